"""`chatui ask` and `chatui models`: one streamed reply, or every model, on the terminal."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from chatui.config import load_config
from chatui.core import (
    ChatError,
    ChatMessage,
    ChatRequest,
    Finished,
    GenerationOptions,
    Role,
    TextDelta,
)
from chatui.core.text import inert
from chatui.providers import create_provider
from chatui.services.models import list_all_models, no_provider_message, resolve_model

CUT_SHORT = {"length", "max_tokens", "max_output_tokens"}


class Printer:
    """Writes streamed text, made inert when the stream is a terminal."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = out.isatty()
        self.wrote = False
        self.ends_with_newline = True

    def write(self, text: str) -> None:
        if not text:
            return
        self.out.write(inert(text) if self.tty else text)
        self.out.flush()
        self.wrote = True
        self.ends_with_newline = text.endswith("\n")

    def finish(self) -> None:
        if self.wrote and not self.ends_with_newline:
            self.out.write("\n")
            self.out.flush()


async def run_ask(args: argparse.Namespace, prompt: str) -> int:
    config = load_config()
    ref = resolve_model(config, args.model)
    provider = create_provider(config.provider(ref.provider))
    options = GenerationOptions(
        max_tokens=args.max_tokens or config.max_tokens,
        temperature=args.temperature if args.temperature is not None else config.temperature,
    )
    request = ChatRequest(
        model=ref.model,
        messages=(ChatMessage(Role.USER, prompt),),
        system=args.system if args.system is not None else config.system_prompt,
        options=options,
    )
    printer = Printer(sys.stdout)
    try:
        async for event in provider.stream(request):
            if isinstance(event, TextDelta):
                printer.write(event.text)
            elif isinstance(event, Finished) and event.stop_reason in CUT_SHORT:
                printer.finish()
                print(f"chatui: the reply was cut at {options.max_tokens} tokens", file=sys.stderr)
    except ChatError as exc:
        printer.finish()
        print(f"chatui: {exc}", file=sys.stderr)
        return 1
    finally:
        printer.finish()
        await provider.aclose()
    return 0


async def run_models() -> int:
    config = load_config()
    results = await list_all_models(config)
    if not results:
        print(f"chatui: {no_provider_message(config)}", file=sys.stderr)
        return 1
    for result in results:
        print(f"{result.provider.name}:")
        for model in result.models:
            print(f"  {result.provider.name}/{model}")
        if result.error is not None:
            print(f"chatui: {result.provider.name}: {result.error}", file=sys.stderr)
    return 0

"""`chatui ask` and `chatui models`: one streamed reply, or every model, on the terminal."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from contextlib import aclosing
from dataclasses import replace
from typing import TextIO

from chatui.config import load_config
from chatui.core import Attachment, Finished, InternalError, StoreError, TextDelta
from chatui.core.text import inert
from chatui.services.models import resolve_model
from chatui.services.pool import ProviderPool
from chatui.services.session.chat import ChatSession
from chatui.services.session.events import NotSaved, ReplyEnded
from chatui.services.session.settings import ConversationSettings
from chatui.services.session.turns import CUT_SHORT
from chatui.store import TranscriptStore

EMPTY_REPLY = "chatui: the model sent an empty reply (no text): try again, or another model (-m)"


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
        """End the last line, once (it may be called again)."""
        if self.wrote and not self.ends_with_newline:
            self.out.write("\n")
            self.out.flush()
            self.ends_with_newline = True


def open_store() -> TranscriptStore | None:
    """The history; None (said on stderr) when it cannot be opened: the reply still comes."""
    try:
        store = TranscriptStore.open()
    except StoreError as exc:
        print(f"chatui: not saved: {exc.message}", file=sys.stderr)
        return None
    if store.recovered_from is not None:
        print(f"chatui: {store.path} was damaged; it was moved to {store.recovered_from}",
              file=sys.stderr)  # fmt: skip
    return store


async def run_ask(
    args: argparse.Namespace, prompt: str, attachments: Sequence[Attachment] = ()
) -> int:
    config = load_config()
    preset = config.preset(args.preset) if args.preset else None
    preset_model = str(preset.model) if preset and preset.model else None
    ref = resolve_model(config, args.model or preset_model)
    config.provider(ref.provider)  # unknown provider: a clear error before anything is saved
    settings = ConversationSettings.from_config(config, preset)
    settings = replace(
        settings,
        system_prompt=args.system if args.system is not None else settings.system_prompt,
        max_tokens=args.max_tokens if args.max_tokens is not None else settings.max_tokens,
        temperature=args.temperature if args.temperature is not None else settings.temperature,
    )
    store = None if args.no_save else open_store()
    pool = ProviderPool(config)
    session = ChatSession(pool, store, ref)
    session.use_settings(settings)
    options = session.options
    printer = Printer(sys.stdout)
    code = 0
    try:
        async with aclosing(session.send(prompt, attachments)) as events:
            async for event in events:
                if isinstance(event, TextDelta):
                    printer.write(event.text)
                elif isinstance(event, Finished) and event.stop_reason in CUT_SHORT:
                    printer.finish()
                    print(f"chatui: the reply was cut at {options.max_tokens} tokens",
                          file=sys.stderr)  # fmt: skip
                elif isinstance(event, NotSaved) and isinstance(event.error, InternalError):
                    printer.finish()
                    print(f"chatui: {event.error}", file=sys.stderr)
                    code = 1  # a bug: the reply may be whole, but something went wrong
                elif isinstance(event, NotSaved):
                    print(f"chatui: not saved: {event.error.message}", file=sys.stderr)
                elif isinstance(event, ReplyEnded) and event.error is not None:
                    printer.finish()
                    again = " (this may be temporary: try again)" if event.error.retryable else ""
                    print(f"chatui: {event.error}{again}", file=sys.stderr)
                    code = 1
                elif isinstance(event, ReplyEnded) and event.turn.empty:
                    print(EMPTY_REPLY, file=sys.stderr)
                    code = 1
    finally:
        printer.finish()
        await pool.aclose()
        if store is not None:
            store.close()
    return code

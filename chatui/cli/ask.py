"""`chatui ask` and `chatui models`: one streamed reply, or every model, on the terminal."""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from dataclasses import replace
from typing import TextIO

from chatui.cli.ask_overflow import fetch_window, first_sent, policy_for, retry_start
from chatui.cli.main import EXIT_ERROR, EXIT_OK, EXIT_USAGE
from chatui.config import Preset, load_config
from chatui.core import (
    AmbiguousId,
    Attachment,
    ChatError,
    ContextOverflow,
    Finished,
    InternalError,
    ModelRef,
    NotFound,
    StoreError,
    TextDelta,
)
from chatui.core.text import inert
from chatui.services.context.fitting import Overflow
from chatui.services.history import History
from chatui.services.models import resolve_model
from chatui.services.pool import ProviderPool
from chatui.services.session.chat import ChatSession
from chatui.services.session.events import NotSaved, ReplyEnded, SessionEvent
from chatui.services.session.saved import read_saved
from chatui.services.session.settings import ConversationSettings
from chatui.services.session.turns import CUT_SHORT, stop_note
from chatui.store import TranscriptStore

NO_MODEL = ModelRef("", "")  # a session's model until the conversation's or the chosen one
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
    wanted = args.model or (str(preset.model) if preset and preset.model else None)
    if wanted or not continuing(args):
        resolve_model(config, wanted)  # unknown: a clear error before anything is opened
    pool = ProviderPool(config)
    store = TranscriptStore.open() if continuing(args) else None
    if store is None and not args.no_save:
        store = open_store()
    try:
        session = ChatSession(pool, None if args.no_save else store, NO_MODEL)
        if store is not None and continuing(args):
            conversation_id = conversation_to_continue(store, args)
            if conversation_id is None:
                return EXIT_USAGE if args.conversation is not None else EXIT_ERROR
            session.load(read_saved(History(store), conversation_id))
        if wanted or session.model == NO_MODEL:
            session.model = resolve_model(config, wanted)
        config.provider(session.model.provider)  # unknown provider: said before anything is sent
        session.use_settings(requested_settings(args, session, preset))
        return await answer(session, args.on_overflow, prompt, attachments)
    finally:
        await pool.aclose()
        if store is not None:
            store.close()


def continuing(args: argparse.Namespace) -> bool:
    return bool(args.continue_) or args.conversation is not None


def conversation_to_continue(store: TranscriptStore, args: argparse.Namespace) -> str | None:
    """The id of the conversation `-c` or `--conversation` names; None when there is none
    (said on stderr)."""
    if args.conversation is None:
        found = store.last_conversation_id()
        if found is None:
            print("chatui: there is no saved conversation to continue", file=sys.stderr)
        return found
    try:
        return History(store).resolve(args.conversation)
    except (NotFound, AmbiguousId) as exc:
        print(f"chatui: --conversation: {exc.message}", file=sys.stderr)
        return None


def requested_settings(
    args: argparse.Namespace, session: ChatSession, preset: Preset | None
) -> ConversationSettings:
    """The config's settings (a continued conversation's own), the preset's on top, then what
    the options say: for this reply only (a continued conversation keeps its saved ones)."""
    if session.conversation_id is None:
        settings = ConversationSettings.from_config(session.pool.config, preset)
    else:
        settings = session.settings.with_preset(preset) if preset else session.settings
    return replace(
        settings,
        system_prompt=args.system if args.system is not None else settings.system_prompt,
        max_tokens=args.max_tokens if args.max_tokens is not None else settings.max_tokens,
        temperature=args.temperature if args.temperature is not None else settings.temperature,
    )


async def answer(
    session: ChatSession, on_overflow: str | None, prompt: str, attachments: Sequence[Attachment]
) -> int:
    """Send the prompt with what of the conversation fits, stream the reply to stdout; ask
    again once with what fits when the server rejects the request as too long."""
    policy = policy_for(on_overflow, session)
    await fetch_window(session)
    start = await first_sent(session, policy, prompt, attachments)
    if start is None:
        return EXIT_ERROR
    printer = Printer(sys.stdout)
    try:
        code, error = await stream(session.send(prompt, attachments, start), printer, session)
        if isinstance(error, ContextOverflow) and policy is not Overflow.FAIL:
            printer.finish()
            start = retry_start(session, error)
            if start is None:
                return EXIT_ERROR
            code, error = await stream(session.retry(start), printer, session)
        if error is not None:
            printer.finish()
            again = " (this may be temporary: try again)" if error.retryable else ""
            print(f"chatui: {error}{again}", file=sys.stderr)
            code = EXIT_ERROR
    finally:
        printer.finish()
    return code


async def stream(
    events: AsyncGenerator[SessionEvent, None], printer: Printer, session: ChatSession
) -> tuple[int, ChatError | None]:
    """Print one reply's text as it comes, and notes on stderr; the exit code so far and the
    error the reply ended with, if any."""
    code, error = EXIT_OK, None
    max_tokens = session.options.max_tokens
    async with aclosing(events):
        async for event in events:
            if isinstance(event, TextDelta):
                printer.write(event.text)
            elif isinstance(event, Finished) and event.stop_reason in CUT_SHORT:
                printer.finish()
                print(f"chatui: the reply was cut at {max_tokens} tokens", file=sys.stderr)
            elif isinstance(event, Finished) and (note := stop_note(event.stop_reason)):
                printer.finish()  # a refusal's text is the reply: printed, exit 0
                print(f"chatui: {note}", file=sys.stderr)
            elif isinstance(event, NotSaved) and isinstance(event.error, InternalError):
                printer.finish()
                print(f"chatui: {event.error}", file=sys.stderr)
                code = EXIT_ERROR  # a bug: the reply may be whole, but something went wrong
            elif isinstance(event, NotSaved):
                print(f"chatui: not saved: {event.error.message}", file=sys.stderr)
            elif isinstance(event, ReplyEnded) and event.error is not None:
                error = event.error
            elif isinstance(event, ReplyEnded) and event.turn.empty:
                if event.turn.stop_note is None:  # else said above (the filter took it all)
                    print(EMPTY_REPLY, file=sys.stderr)
                code = EXIT_ERROR
    return code, error

"""Starting the TUI: config, store and model resolved before the app is built."""

from __future__ import annotations

import argparse
import sys

from chatui.config import load_config
from chatui.core import ChatError, ConfigError, ModelRef
from chatui.services.models import resolve_model
from chatui.services.session.settings import ConversationSettings
from chatui.store import TranscriptStore


def run_tui(args: argparse.Namespace) -> int:
    """Open the full-screen app; problems that stop it are printed, not raised."""
    config = load_config()
    from chatui.ui.keymap import checked_keymap

    keymap = checked_keymap(config)  # a ConfigError is printed before anything opens
    preset = config.preset(args.preset) if args.preset else None  # unknown: exit 2, before the app
    wanted = args.model or (str(preset.model) if preset and preset.model else None)
    notes: list[str] = []
    model: ModelRef | None
    try:
        model = resolve_model(config, wanted)
    except ConfigError:
        if wanted:
            raise
        model = None  # the chat screen welcomes the user and looks for local servers
    store: TranscriptStore | None
    try:
        store = TranscriptStore.open()
        if store.recovered_from is not None:
            notes.append(
                f"The history database was damaged; it was moved to {store.recovered_from} "
                "and a new one started."
            )
        store.recover_interrupted()
    except ChatError as exc:
        store = None
        notes.append(f"{exc} History is off for this session.")
    resume_id = None
    if args.continue_ and store is not None:
        resume_id = store.last_conversation_id()
        if resume_id is None:
            notes.append("There is no saved conversation to continue.")
    prompt = " ".join(args.prompt).strip() or None

    from chatui.ui.app import ChatApp

    app = ChatApp(
        config,
        store,
        model,
        prompt=prompt,
        resume_id=resume_id,
        notice="\n".join(notes) or None,
        settings=ConversationSettings.from_config(config, preset),
        keymap=keymap,
        chosen=bool(wanted),
    )
    app.run()
    if app.return_code:
        print("chatui: the app stopped with an error", file=sys.stderr)
    return app.return_code or 0

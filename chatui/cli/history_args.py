"""The arguments and help of `chatui history` and its subcommands."""

from __future__ import annotations

import argparse
from pathlib import Path

EXIT_CODES = """exit codes:
  0    success (also when the output is cut short by a closed pipe, e.g. `| head`)
  1    the operation failed: no such conversation, nothing matched, storage problem,
       a file that cannot be read, a declined deletion
  2    bad usage (unknown option, missing argument, deletion without -y in a script)
  130  interrupted (Ctrl+C)"""

_HISTORY = """Saved conversations. Without a subcommand, list the most recent ones.
IDs may be shortened to any unique prefix (at least the 8 characters `list` shows)."""
_HISTORY_EXAMPLES = (
    """examples:
  chatui history                      the 50 most recent conversations
  chatui history search sqlite wal    where did we talk about this?
  chatui history show 01JB3K2Q        print one as Markdown
  chatui history import ~/Downloads/chatgpt-export.zip

"""
    + EXIT_CODES
)

_LIST = "List conversations, most recently updated first: id, time, messages, title, models."
_SEARCH = """Full-text search in messages and titles, best matches first: one line per
conversation, with its best match. Words match whole words (accents ignored); the last one
also matches as a prefix. A word with symbols such as c++, c# or .net must appear as typed.
Exits with 1 when nothing matches."""
_SHOW = """Print a conversation as Markdown: the branch it opens on, and how many other
branches (regenerated replies, edited questions, failed attempts) it has; with
--all-branches, each of them too, from where it parts. Escape sequences are shown as ^[,
never acted on, wherever the output goes."""
_EXPORT = """Export a conversation: Markdown to read (as `show --all-branches` prints it: the
branch it opens on, then the others), or JSON that keeps everything (every branch, times,
models, usage) and can be imported again with `chatui history import`. Both are inert: the
same text into a file, a pipe or a terminal."""
_IMPORT = """Import conversations. The format is recognised from the file:
  - a chatui JSON export (`chatui history export --format json`): one conversation,
    ids and times kept; if it is already in the history this fails, unless --new-ids;
  - a ChatGPT data export (Settings > Data controls > Export): the .zip itself or its
    conversations.json. Every branch (edits, regenerations) is kept and the one ChatGPT
    showed opens first; models come from the export (openai/<model>); hidden, system and
    tool messages are left out; images, videos and files become placeholders like
    [image]; canvas documents stay in their reply; citations become links;
  - a claude.ai data export (the .zip or its conversations.json): thinking becomes the
    reply's reasoning; the export names no model, so replies are marked anthropic/claude.
ChatGPT and Claude conversations remember where they came from: importing the same export
again skips those already imported, and a later export adds only what is new in them (new
messages and branches). A conversation that cannot be read is
reported (with its number and title) and left out; the others are imported together.
Imported conversations are searchable and open in the app like any other."""
_IMPORT_EXAMPLES = """examples:
  chatui history import chatgpt-export.zip
  chatui history import claude-export/conversations.json
  chatui history export 01JB3K2Q --format json | chatui history import - --new-ids

exit codes: 0 imported (or all already there), 1 the file cannot be read or some of its
conversations could not (the others are still imported), 2 bad usage, 130 interrupted"""
_DELETE = """Delete a conversation and all its messages. Asks for confirmation when stdin is a
terminal; otherwise (scripts, pipes) refuses with exit code 2 unless -y is given."""


def _positive(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, not {text!r}")
    return int(text)


def add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    description: str,
    epilog: str = EXIT_CODES,
) -> argparse.ArgumentParser:
    """A subcommand whose help keeps its line breaks (examples, exit codes); `chatui`'s too.
    It takes --config as `chatui` does, and names itself in `command_parser` for usage errors."""
    parser = commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--config", type=Path, metavar="FILE", default=argparse.SUPPRESS,
        help="config file (as for `chatui --config`)",
    )  # fmt: skip
    parser.set_defaults(command_parser=parser)
    return parser


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `history` command and its subcommands to a `chatui` argument parser."""
    history = add_command(
        subparsers, "history", "browse, search, export and import saved conversations",
        _HISTORY, _HISTORY_EXAMPLES,
    )  # fmt: skip
    history.add_argument(
        "--limit", type=_positive, default=50, metavar="N", help="how many to list (default 50)"
    )
    commands = history.add_subparsers(
        dest="history_command", metavar="COMMAND", title="commands", prog="chatui history",
        help="default: list; each has its own --help",
    )  # fmt: skip
    listing = add_command(commands, "list", "list conversations, most recent first", _LIST)
    listing.add_argument(
        "--limit",
        type=_positive,
        default=argparse.SUPPRESS,
        metavar="N",
        help="how many to list (default 50)",
    )
    search = add_command(commands, "search", "full-text search in messages and titles", _SEARCH)
    search.add_argument("query", nargs="+", help="words to find (the last one may be a prefix)")
    search.add_argument(
        "--limit",
        type=_positive,
        default=argparse.SUPPRESS,
        metavar="N",
        help="at most N conversations (default 50)",
    )
    show = add_command(commands, "show", "print a conversation as Markdown", _SHOW)
    show.add_argument("id", help="conversation id or unique prefix")
    show.add_argument(
        "--reasoning",
        action="store_true",
        help="include the models' thinking (left out by default)",
    )
    show.add_argument(
        "--all-branches",
        action="store_true",
        help="also print every other branch, each from where it parts",
    )
    export = add_command(commands, "export", "export a conversation as Markdown or JSON", _EXPORT)
    export.add_argument("id", help="conversation id or unique prefix")
    export.add_argument(
        "--format", choices=("md", "json"), default="md",
        help="md: readable Markdown (default); json: lossless, for `import`",
    )  # fmt: skip
    export.add_argument(
        "-o", "--output", metavar="FILE",
        help="write to FILE (created private, 0600) instead of stdout; - means stdout",
    )  # fmt: skip
    export.add_argument(
        "--reasoning",
        action="store_true",
        help="include the models' thinking (left out by default)",
    )
    importing = add_command(
        commands, "import", "import a chatui, ChatGPT or Claude export", _IMPORT, _IMPORT_EXAMPLES
    )
    importing.add_argument("file", help="the export (.json or .zip), or - for stdin")
    importing.add_argument(
        "--new-ids", action="store_true",
        help="chatui exports only: store a copy under new ids even if it is already here",
    )  # fmt: skip
    delete = add_command(commands, "delete", "delete a conversation", _DELETE)
    delete.add_argument("id", help="conversation id or unique prefix")
    delete.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")

"""Reading text files to attach (with size limits and clear refusals) and completing their paths."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from chatui.core.attachments import Attachment, human_size

MAX_FILE_BYTES: Final = 256 * 1024
MAX_MESSAGE_BYTES: Final = 1024 * 1024
FILE_COMMAND: Final = "/file "
MAX_LISTED: Final = 5000  # directory entries looked at when completing


class AttachmentError(Exception):
    """A file that cannot be attached; the message says which and why, for the user."""


def display_name(path: Path, cwd: Path) -> str:
    """How a file is named to the user and the model: relative to `cwd` if inside it, else
    from `~`, else absolute."""
    for base, prefix in ((cwd, ""), (Path.home(), "~/")):
        try:
            return prefix + path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def resolve(typed: str, cwd: Path | None = None) -> Path:
    """The absolute path of a typed one (`~` expanded, relative to `cwd`), without following
    symlinks so the name the user gave is kept."""
    path = Path(os.path.expanduser(typed.strip()))
    return Path(os.path.normpath((cwd or Path.cwd()) / path))


def read_attachment(typed: str, cwd: Path | None = None) -> Attachment:
    """Read a UTF-8 text file of at most MAX_FILE_BYTES; AttachmentError says what is wrong.

    Blocking (it reads the file): call it from a thread."""
    if not typed.strip():
        raise AttachmentError("Type the path of a file to attach, e.g. /file notes.md")
    cwd = cwd or Path.cwd()
    path = resolve(typed, cwd)
    name = display_name(path, cwd)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise AttachmentError(f"{name}: no such file") from None
    except PermissionError:
        raise AttachmentError(f"{name}: permission denied") from None
    except OSError as exc:
        raise AttachmentError(f"{name}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise AttachmentError(f"{name} is a directory: attach a file inside it")
    if not stat.S_ISREG(info.st_mode):  # a FIFO or device could block or never end
        raise AttachmentError(f"{name} is not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise too_large(name, info.st_size)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except PermissionError:
        raise AttachmentError(f"{name}: permission denied (cannot read it)") from None
    except OSError as exc:
        raise AttachmentError(f"{name}: cannot read it ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:  # it grew since stat
        raise too_large(name, len(data))
    return Attachment(name, decode_text(name, data, "only text files attach"), len(data))


def decode_text(name: str, data: bytes, only: str) -> str:
    """`data` as UTF-8 text; AttachmentError naming `name` when it is binary or not UTF-8,
    ending with `only` (what is accepted)."""
    if b"\0" in data:
        raise AttachmentError(f"{name} looks binary (it has NUL bytes): {only}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AttachmentError(
            f"{name} is not UTF-8 text (byte 0x{data[exc.start]:02X} at offset {exc.start}): {only}"
        ) from None


def too_large(name: str, size: int) -> AttachmentError:
    return AttachmentError(
        f"{name} is {human_size(size)}: the limit is {human_size(MAX_FILE_BYTES)} per file"
    )


def add_attachment(current: Sequence[Attachment], new: Attachment) -> tuple[list[Attachment], bool]:
    """`current` with `new` added, or in place of an attachment of the same name (the file read
    again); and whether it replaced one. AttachmentError if the message would pass the limit."""
    kept = [a for a in current if a.name != new.name]
    total = sum(a.size for a in kept) + new.size
    if total > MAX_MESSAGE_BYTES:
        raise AttachmentError(
            f"{new.name} ({human_size(new.size)}) would make this message's files"
            f" {human_size(total)}: the limit is {human_size(MAX_MESSAGE_BYTES)} per message"
        )
    replaced = len(kept) != len(current)
    if replaced:
        return [new if a.name == new.name else a for a in current], True
    return [*current, new], False


@dataclass(frozen=True, slots=True)
class PathCompletion:
    """The typed path completed as far as it is unambiguous, and the names still possible."""

    text: str
    candidates: tuple[str, ...] = ()  # directories end with "/"; empty when unique or none
    matched: bool = True  # False when no name starts with what was typed


def complete_path(typed: str, cwd: Path | None = None) -> PathCompletion:
    """Complete `typed` like a shell: the longest common prefix of the matching names; a single
    directory gains a "/". Dot files are offered only when the typed name starts with a dot."""
    if typed == "~":
        return PathCompletion("~/")
    head, sep, prefix = typed.rpartition("/")
    folder = head + sep  # the typed directory part, kept as typed ("~/src/", "../")
    where = resolve(folder or ".", cwd)
    try:
        with os.scandir(where) as found:
            matches: dict[str, bool] = {}
            for index, entry in enumerate(found):
                if index >= MAX_LISTED:
                    break
                if entry.name.startswith(prefix) and (
                    prefix.startswith(".") or not entry.name.startswith(".")
                ):
                    matches[entry.name] = _is_dir(entry)
    except OSError:
        return PathCompletion(typed, matched=False)
    if not matches:
        return PathCompletion(typed, matched=False)
    names = sorted(matches)
    if len(names) == 1:
        name = names[0]
        return PathCompletion(folder + name + ("/" if matches[name] else ""))
    common = os.path.commonprefix(names)  # noqa: RUF071 - names, not paths
    listed = tuple(name + ("/" if matches[name] else "") for name in names)
    return PathCompletion(folder + common, listed)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False

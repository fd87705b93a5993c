"""The importers over real exports from public repositories, when they are on this machine.

The samples live outside the project (`../shared/import-samples/`, or `CHATUI_IMPORT_SAMPLES`);
without them these tests are skipped. They check properties, not contents."""

from __future__ import annotations

import itertools
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from chatui.core import StoreError
from chatui.exchange.importers import detect, parse_export
from chatui.exchange.markdown import branches
from chatui.store import Transcript

SAMPLES = Path(
    os.environ.get("CHATUI_IMPORT_SAMPLES")
    or Path(__file__).resolve().parents[2].parent / "shared" / "import-samples"
)
FILES = sorted(SAMPLES.glob("*.json")) if SAMPLES.is_dir() else []
RAW_MARKERS = re.compile("[\ue200-\ue202]|【\\d+(?::\\d+)?†|\\[[a-z_]+_asset_pointer\\]")

pytestmark = pytest.mark.skipif(not FILES, reason=f"no import samples in {SAMPLES}")


SIDE_FILES = ("users.json", "projects.json", "memories.json")  # beside a claude.ai export


def imported(path: Path) -> list[Transcript] | None:
    """The sample's conversations; None for a file of the export that holds none, which
    must be refused, saying why."""
    data: Any = json.loads(path.read_text(encoding="utf-8"))
    try:
        kind = detect(data, path.name)
    except StoreError as exc:
        assert path.name.endswith(SIDE_FILES), (path.name, str(exc))
        assert str(exc)
        return None
    parsed = parse_export(data, kind)
    assert parsed.problems == (), path.name
    return list(parsed.transcripts)


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_sample_imports_cleanly_or_is_refused_with_a_reason(path: Path) -> None:
    transcripts = imported(path)
    if transcripts is None:
        return  # a side file, refused (checked above)
    assert transcripts
    for transcript in transcripts:
        ids = [m.id for m in transcript.messages]
        for message in transcript.messages:
            assert not RAW_MARKERS.search(message.content), (path.name, message.content[:200])
            assert message.parent_id is None or ids.index(message.parent_id) < ids.index(message.id)
            assert message.created_at >= transcript.conversation.created_at
        for branch in branches(transcript.messages):
            roles = [m.role for m in branch.messages]
            pairs = itertools.pairwise(roles)
            assert ("user", "user") not in pairs, (path.name, transcript.conversation.title)


def test_claude_messages_out_of_file_order_read_as_asked_and_answered() -> None:
    path = SAMPLES / "claude2sqlite-artifacts.json"
    if not path.exists():
        pytest.skip("no claude2sqlite-artifacts.json")
    (transcript,) = imported(path) or []
    raw = json.loads(path.read_text(encoding="utf-8"))[0]["chat_messages"]
    assert len(transcript.messages) == len(raw)  # no two replies glued together
    roles = [m.role for m in transcript.messages]
    assert roles == ["user", "assistant"] * (len(raw) // 2)
    times = [m.created_at for m in transcript.messages]
    assert times == sorted(times) and len(set(times)) == len(raw) // 2

"""The fault matrix shared by the TUI and `chatui ask` tests: what goes wrong, what the user must
be told, and what must be kept."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.reliability.harness import KEY_OF
from tests.wireserver import Reply

PROTOCOLS = ("chat", "responses", "anthropic")
PROMPT = "Why is the sky blue?"
PARTIAL = "Partial answer"
RECOVERED = "Recovered answer."
#: About 5 MB of Markdown paragraphs, the last one marked so its arrival can be checked.
BIG = "".join(f"Paragraph {i}: " + "lorem ipsum dolor sit amet " * 370 + "\n\n" for i in range(500))
BIG += "THE-END\n"


def _cut(**fault: object) -> Reply:
    """Two pieces of text arrive, then the fault (the last two pieces never do)."""
    return Reply(pieces=["Partial ", "answer", " never", " sent"], **fault)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Fault:
    """One fault; `reply` None means the server is not running (connection refused)."""

    name: str
    reply: Reply | None
    says: tuple[str, ...]  # patterns the message must hold: what happened, what to do
    status: str = "error"  # the stored reply's status
    partial: str = ""  # the stored reply's text
    retryable: bool = True  # the message says to retry
    protocols: tuple[str, ...] = PROTOCOLS

    def patterns(self, protocol: str) -> list[str]:
        return [pattern.replace("{key}", KEY_OF[protocol]) for pattern in self.says]

    def check_message(self, text: str, protocol: str, retry_hint: str) -> None:
        """`text` (a notice, stderr) says what happened and what to do, and holds no traceback."""
        flat = " ".join(text.split())
        for pattern in self.patterns(protocol):
            assert re.search(pattern, flat), f"{pattern!r} not in {flat!r}"
        if self.retryable:
            assert retry_hint in flat, f"{retry_hint!r} not in {flat!r}"
        assert "Traceback" not in text and 'File "' not in text


FAULTS = [
    Fault("refused", None, ("Cannot connect", "is it running")),
    Fault("401", Reply(status=401), ("Authentication failed", "check {key}"), retryable=False),
    Fault("403", Reply(status=403), ("Permission denied", "pick another model"), retryable=False),
    Fault("404-model", Reply(status=404), ("Model not found", "pick another"), retryable=False),
    Fault("400", Reply(status=400), ("Request rejected", "check the model"), retryable=False),
    Fault("429", Reply(status=429, retry_after="30"), ("Rate limited", "retry in 30 s")),
    Fault("500", Reply(status=500), ("Provider server error", "500")),
    Fault("503", Reply(status=503), ("Provider server error", "503")),
    Fault(
        "529",
        Reply(status=529),
        ("Provider overloaded", "Try again shortly"),
        protocols=("anthropic",),
    ),
    Fault(
        "overloaded-mid-stream",
        _cut(error_event_after=2, error_type="overloaded_error"),
        ("Provider overloaded",),
        partial=PARTIAL,
        protocols=("anthropic",),
    ),
    Fault(
        "error-event",
        _cut(error_event_after=2, error_type="api_error", error_message="boom"),
        ("Provider server error", r"failed \((api|server)_error\): boom"),
        partial=PARTIAL,
    ),
    Fault("dropped", _cut(disconnect_after=2), ("Connection dropped",), partial=PARTIAL),
    Fault("stall", _cut(stall_after=2), ("Timed out", "no data for 1 s"), partial=PARTIAL),
    Fault("malformed", _cut(malformed_after=2), ("Malformed response",), partial=PARTIAL),
    Fault("empty", Reply(empty=True), ("empty reply",), status="complete"),
    Fault(
        "5MB", Reply.from_text(BIG, size=4096), (), status="complete", partial=BIG, retryable=False
    ),
]

MATRIX = [(protocol, fault) for fault in FAULTS for protocol in fault.protocols]
MATRIX_IDS = [f"{protocol}-{fault.name}" for protocol, fault in MATRIX]

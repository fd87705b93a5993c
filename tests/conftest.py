"""Shared pytest fixtures: every test's chatui files in temp dirs, and `wire_server`."""

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation

from tests.wireserver import WireServer

#: Marker applied to every test under a directory of tests/ (see `pytest_collection_modifyitems`).
DIRECTORY_MARKERS = {"e2e": "e2e", "reliability": "reliability"}
TESTS = Path(__file__).parent


def share_parsed_css() -> None:
    """Textual parses every widget's CSS anew for each app (~75 ms), and the tests start some
    500 apps in a process: a third of the fast part's CPU. The same CSS under the same theme
    variables gives the same rules, so they are parsed once a process, as Textual itself keeps
    them between the re-parses of one app (its private parse cache: textual is pinned)."""
    parsed: dict[tuple[object, ...], list[RuleSet]] = {}
    parse = Stylesheet._parse_rules

    def shared(
        self: Stylesheet,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        variables = tuple(sorted(self._variables.items()))
        key = (css, read_from, is_default_rules, tie_breaker, scope, variables)
        if key not in parsed:
            parsed[key] = parse(self, css, read_from, is_default_rules, tie_breaker, scope)
        return parsed[key]

    Stylesheet._parse_rules = shared  # type: ignore[method-assign]


share_parsed_css()


def pytest_collection_finish() -> None:
    """What is alive once the tests are collected (Textual, both SDKs, the parsed CSS: a few
    hundred thousand objects) lives until the process ends: the garbage collector stops
    walking it, and runs a tenth as often. It took ~10% of the fast part's CPU (3-4 s a
    worker in 4,000 collections), most of it walking those objects."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """tests/e2e/ is `e2e`, tests/reliability/ is `reliability`."""
    for item in items:
        parts = item.path.relative_to(TESTS).parts
        marker = DIRECTORY_MARKERS.get(parts[0]) if len(parts) > 1 else None
        if marker is not None:
            item.add_marker(marker)


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Config, data and cache (`CHATUI_*`), the platform's XDG folders and HOME all point at a
    fresh temp dir, so no test reads or writes the real home; fixtures may set their own."""
    root = tmp_path_factory.mktemp("home")
    folders = {
        "CHATUI_CONFIG": root / "config" / "chatui" / "config.toml",
        "CHATUI_DATA_DIR": root / "data" / "chatui",
        "CHATUI_CACHE_DIR": root / "cache" / "chatui",
        "XDG_CONFIG_HOME": root / "config",
        "XDG_DATA_HOME": root / "data",
        "XDG_CACHE_HOME": root / "cache",
        "XDG_STATE_HOME": root / "state",
        "HOME": root,
    }
    for name, path in folders.items():
        monkeypatch.setenv(name, str(path))
    return root


@pytest.fixture
def wire_server() -> Iterator[WireServer]:
    """A started WireServer; at teardown, no request may have failed validation unless the
    test called `wire_server.expect_invalid()`."""
    server = WireServer().start()
    try:
        yield server
    finally:
        server.stop()
    if not server.invalid_expected:
        assert server.validation_errors == []

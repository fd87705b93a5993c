"""Shared pytest fixtures: every test's chatui files in temp dirs, and `wire_server`."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.wireserver import WireServer

#: Marker applied to every test under a directory of tests/ (see `pytest_collection_modifyitems`).
DIRECTORY_MARKERS = {"e2e": "e2e", "reliability": "reliability"}
TESTS = Path(__file__).parent


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

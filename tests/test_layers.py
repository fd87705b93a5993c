"""Import rules: the SDKs load lazily, and only the UI layer may load Textual."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
{code}
print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))
"""


def loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(code=code)], capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


@pytest.mark.parametrize(
    "module",
    ["chatui.core", "chatui.providers", "chatui.store", "chatui.services", "chatui.config"],
)
def test_lower_layers_do_not_load_textual_or_sdks(module: str) -> None:
    loaded = loaded_after(f"import {module}")
    assert "textual" not in loaded
    assert "openai" not in loaded
    assert "anthropic" not in loaded


def test_cli_help_does_not_load_sdks() -> None:
    code = (
        "from chatui.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "try:\n    main(['ask', '--help'])\nexcept SystemExit:\n    pass"
    )
    loaded = loaded_after(code)
    assert "chatui" in loaded
    assert not {"openai", "anthropic", "httpx2"} & loaded


def test_building_a_provider_does_not_import_the_sdk_until_used() -> None:
    code = (
        "from chatui.config import ProviderConfig\n"
        "from chatui.providers import create_provider\n"
        "create_provider(ProviderConfig('x', 'anthropic', base_url='http://127.0.0.1:1'))\n"
        "create_provider(ProviderConfig('y', 'openai', base_url='http://127.0.0.1:1'))\n"
        "create_provider(ProviderConfig('z', 'ollama'))"
    )
    assert not {"openai", "anthropic", "httpx2"} & loaded_after(code)

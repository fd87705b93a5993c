"""What chatui imports is declared in pyproject.toml, and a package whose private API chatui
touches is pinned to the minor version it was tested with."""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
#: imported modules whose distribution need not be installed (an optional extra's)
NOT_INSTALLED = {"llama_cpp": "llama-cpp-python"}


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements() -> dict[str, Requirement]:
    """Every requirement of the package and its optional extras (not the test tools)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    lines = project["dependencies"] + [
        r for name, rs in extras.items() if name != "test" for r in rs
    ]
    return {normal(req.name): req for req in map(Requirement, lines)}


@functools.cache
def third_party_imports() -> dict[str, list[str]]:
    """Top-level package -> what of it chatui imports ("pkg.module" or "pkg.module:name")."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in (ROOT / "chatui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported = [f"{node.module}:{alias.name}" for alias in node.names]
            else:
                continue
            for name in imported:
                root = name.partition(":")[0].split(".")[0]
                if root != "chatui" and root not in sys.stdlib_module_names:
                    found[root].append(name)
    return found


@functools.cache
def installed() -> dict[str, list[str]]:
    """Top-level module -> the installed distributions providing it (reads every installed
    distribution's metadata: read once)."""
    return dict(importlib.metadata.packages_distributions())


def distribution(module: str) -> str:
    names = installed().get(module)
    return normal(names[0]) if names else NOT_INSTALLED[module]


def private(name: str) -> bool:
    """`anthropic._streaming`, `textual.keys:_character_to_key` (not `__version__`)."""
    module, _, attribute = name.partition(":")
    parts = module.split(".")[1:] + ([attribute] if attribute else [])
    return any(p.startswith("_") and not p.startswith("__") for p in parts)


def test_every_imported_package_is_declared() -> None:
    declared = requirements()
    missing = {
        module: distribution(module)
        for module in third_party_imports()
        if distribution(module) not in declared
    }
    assert not missing, f"imported but not in pyproject.toml's dependencies: {missing}"


def test_private_api_is_used_only_from_packages_pinned_to_the_tested_minor() -> None:
    declared = requirements()
    loose = {}
    for module, names in third_party_imports().items():
        touched = sorted({name for name in names if private(name)})
        if not touched:
            continue
        requirement = declared[distribution(module)]
        tested = Version(importlib.metadata.version(distribution(module)))
        major, minor = tested.release[0], tested.release[1]
        below = f"{major}.{minor - 1}.9999" if minor else f"{max(major - 1, 0)}.9999"
        outside = [Version(f"{major}.{minor + 1}.0"), Version(below)]
        allowed = requirement.specifier
        if tested not in allowed or any(version in allowed for version in outside):
            loose[str(requirement)] = touched
    assert not loose, f"private API used under a pin wider than the tested minor: {loose}"

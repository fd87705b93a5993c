"""`chatui models`: every available provider's models, with what each can take where known."""

from __future__ import annotations

import sys

from chatui.config import load_config
from chatui.core import Capabilities, ModelRef, short_count
from chatui.services.models import list_all_models, no_provider_message
from chatui.services.pool import ProviderPool

HEADER = ("MODEL", "WINDOW", "OUTPUT", "IMAGES", "TOOLS")
NUMBERS = (False, True, True, False, False)  # right-aligned


async def run_models(long: bool | None = None) -> int:
    """One `provider/model` per line; with `long` (the default on a terminal) a table of each
    model's window, longest reply, and whether it reads images and calls tools."""
    config = load_config()
    results = await list_all_models(config)
    if not results:
        print(f"chatui: {no_provider_message(config)}", file=sys.stderr)
        return 2  # a configuration problem, as for `chatui ask`
    pool = ProviderPool(config)
    rows: list[tuple[str, ...]] = []
    for result in results:
        pool.heard(result.provider.name, result.served)
        for model in result.models:
            ref = ModelRef(result.provider.name, model)
            rows.append((str(ref), *columns(pool.capabilities(ref))))
        if result.error is not None:
            print(f"chatui: {result.provider.name}: {result.error}", file=sys.stderr)
    if long if long is not None else sys.stdout.isatty():
        print("\n".join(table([HEADER, *rows])))
    else:  # one name per line, as `-m` takes it: ready for grep or fzf
        print("\n".join(row[0] for row in rows))
    return 0


def columns(caps: Capabilities) -> tuple[str, str, str, str]:
    """Window, longest reply, images, tools: `?` where unknown."""

    def said(value: bool | None) -> str:
        return "?" if value is None else "yes" if value else "no"

    return (
        short_count(caps.context),
        short_count(caps.max_output),
        said(caps.images),
        said(caps.tools),
    )


def table(rows: list[tuple[str, ...]]) -> list[str]:
    """The rows in aligned columns, numbers to the right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    return [
        "  ".join(
            cell.rjust(width) if number else cell.ljust(width)
            for cell, width, number in zip(row, widths, NUMBERS, strict=True)
        ).rstrip()
        for row in rows
    ]

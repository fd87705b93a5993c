"""The context meter: how full the current model's window is for the next request."""

from __future__ import annotations

from rich.text import Text

from chatui.core import short_count
from chatui.services.context.budget import Budget


def meter(budget: Budget | None, warning: str = "yellow", error: str = "red") -> Text:
    """`ctx 12.3k/128k` (`~` while any of it is estimated), in the warning colour from 80% of
    what the prompt may take on
    and `won't fit` past the window less the reply's room; `ctx ~1.2k/?` when the window is
    unknown; nothing before there is a model. `warning`, `error`: the theme's colours."""
    if budget is None:
        return Text()
    used = ("~" if budget.estimated else "") + short_count(budget.used)
    text = Text(f"ctx {used}/{short_count(budget.window)}")
    if not budget.fits:
        text.append(" won't fit")
        text.stylize(f"bold {error}")
    elif budget.warning:
        text.stylize(f"bold {warning}")
    return text

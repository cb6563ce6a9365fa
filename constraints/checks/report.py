"""The verify report as a person reads it: each violation on its own line, then how many there are."""

from __future__ import annotations

from collections.abc import Iterable

from constraints.checks import Violation


def count_line(count: int, lang: str) -> str:
    if lang.lower().startswith("zh"):
        return f"共 {count} 处违规"
    return f"{count} violation" + ("" if count == 1 else "s")


def format_report(violations: Iterable[Violation], lang: str) -> str:
    """Each violation's message in ``lang`` ('en' or 'zh'), one per line, the count last."""
    items = list(violations)
    return "\n".join([f"- {v.text(lang)}" for v in items] + [count_line(len(items), lang)])

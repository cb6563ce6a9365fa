"""Cells written to CSV and XLSX files: the one guard against spreadsheet formula injection.

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is taken by
Excel, WPS and LibreOffice as a formula, so a school or teacher name like ``=HYPERLINK("http://x","y")``
would run when a timetabler opens a published table. Every CSV and XLSX writer of the project passes
its cells through :func:`safe_cell`, which prefixes such text with a single quote (the OWASP
CSV-injection rule). Numbers stay numbers: a negative number (the int -3, or the text ``-3`` in a
CSV, where every cell is text) is not a formula and is written as it is.

Readers undo the guard with :func:`unescape_cell`, so a scenario folder that tongbu writes reads
back the same.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number (what Excel itself would store as a number): not text to neutralise.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """``value`` as it may be written to a spreadsheet cell: formula-like text gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(row: Any) -> list[Any]:
    """A row of cells, each through :func:`safe_cell`."""
    return [safe_cell(value) for value in row]


def unescape_cell(text: str) -> str:
    """The text :func:`safe_cell` was given, for a cell read back from a file tongbu wrote."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text

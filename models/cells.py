"""Cells written to CSV and XLSX files: the one guard against spreadsheet formula injection, and the one
writer of each format (every CSV and workbook the project writes goes through here); and the one reader
of CSV text as Excel and WPS save it (encoding, separator).

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

import contextlib
import csv
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
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


def csv_bytes(rows: list[list[Any]]) -> bytes:
    """CSV for Excel and WPS on Chinese Windows: UTF-8 with a BOM, CRLF line ends, every cell guarded."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(safe_row(row) for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


#: The earliest time a zip entry can carry: every entry of a workbook is dated so, for the same bytes each run.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


#: A RAM-backed folder for openpyxl's scratch files (one per sheet, written then removed): on Pengshui's 2,513
#: timetable sheets, creating and removing them on disk took a third of the publishing time.
MEMORY_FOLDER = "/dev/shm"


@contextlib.contextmanager
def _scratch_in_memory() -> Iterator[None]:
    if not (os.path.isdir(MEMORY_FOLDER) and os.access(MEMORY_FOLDER, os.W_OK)):
        yield
        return
    before = tempfile.tempdir
    tempfile.tempdir = MEMORY_FOLDER
    try:
        yield
    finally:
        tempfile.tempdir = before


def workbook_bytes(book: Any) -> bytes:
    """An openpyxl workbook's .xlsx bytes, the same on every run: openpyxl's writer is used directly
    (``Workbook.save`` would stamp the modified time), then the zip is rebuilt with every entry dated
    ``ZIP_EPOCH``. The document's own created/modified times are the caller's to set."""
    from openpyxl.writer.excel import ExcelWriter

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive, _scratch_in_memory():
        ExcelWriter(book, archive).write_data()
    stable = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, \
            zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return stable.getvalue()


def decode_csv_bytes(data: bytes) -> tuple[str, bool] | None:
    """Text of a CSV and whether it was GB18030: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return data.decode("utf-16"), False
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), True
    except UnicodeDecodeError:
        return None


def parse_csv_text(text: str) -> list[list[str]]:
    """Rows of a CSV (comma or tab separated, as Excel saves them); NUL characters are dropped."""
    text = text.replace("\x00", "")
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    while True:
        try:
            rows.append(list(next(reader)))
        except StopIteration:
            return rows
        except csv.Error:
            # A cell too long for the csv module (a broken quote swallowing the rest of the file): keep it as text.
            rows.append([text.splitlines()[min(reader.line_num, len(text.splitlines())) - 1]])
            return rows

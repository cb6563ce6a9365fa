"""A school page rendered by headless Chromium: the screenshot shows a drawn grid, the print has one A4
page per grid. Needs Debian's ``chromium`` and ``fonts-noto-cjk``; skipped (saying so) without them."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from fixtures.reports_scenario import CITY, crowded, scenario, solution

from reports import school_grids, write_all

WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dpi, portrait
SYNC_YELLOW = (0xFF, 0xF2, 0xCC)


def chromium() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium fonts-noto-cjk); HTML rendering not checked")
    return path


def run_chromium(profile: Path, *args: str) -> None:
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", *args]
    subprocess.run(command, check=True, timeout=120, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def decode_png(data: bytes) -> tuple[int, int, list[bytearray]]:
    """Width, height and RGB rows of an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, bytearray(), None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    assert header is not None
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, header
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(bytes(idat))
    stride = width * bpp
    rows: list[bytearray] = []
    prior = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        _unfilter(kind, line, prior, bpp)
        rows.append(line if bpp == 3 else bytearray(b for i, b in enumerate(line) if i % 4 != 3))
        prior = line
    return width, height, rows


def _unfilter(kind: int, line: bytearray, prior: bytearray, bpp: int) -> None:
    """Undo one PNG row filter in place (RFC 2083, section 6)."""
    n = len(line)
    if kind == 1:
        for i in range(bpp, n):
            line[i] = (line[i] + line[i - bpp]) & 0xFF
    elif kind == 2:
        for i in range(n):
            line[i] = (line[i] + prior[i]) & 0xFF
    elif kind == 3:
        for i in range(n):
            left = line[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + ((left + prior[i]) >> 1)) & 0xFF
    elif kind == 4:
        for i in range(n):
            a = line[i - bpp] if i >= bpp else 0
            b = prior[i]
            c = prior[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[i] = (line[i] + predictor) & 0xFF
    else:
        assert kind == 0, f"unknown PNG filter {kind}"


def _dark(row: bytearray, x: int) -> bool:
    r, g, b = row[3 * x], row[3 * x + 1], row[3 * x + 2]
    return 0.299 * r + 0.587 * g + 0.114 * b < 128


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("html")
    write_all(scenario(), solution(), folder)
    return folder / "timetables" / f"{CITY}.html"


def test_screenshot_shows_a_drawn_timetable_grid(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "page.png"
    run_chromium(tmp_path / "profile", f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}", page.as_uri())
    assert shot.is_file()
    width, height, rows = decode_png(shot.read_bytes())
    assert (width, height) == (WIDTH, HEIGHT)

    # The first grid sits in the upper half of the page. Its horizontal borders are rows of the image
    # that are dark across most of the page width: one above and below the header and each period.
    upper = rows[: height // 2]
    xs = range(20, width - 20, 2)
    ruled = [y for y, row in enumerate(upper) if sum(_dark(row, x) for x in xs) > 0.8 * len(xs)]
    lines = [y for i, y in enumerate(ruled) if i == 0 or y - ruled[i - 1] > 3]  # a 2-3 px border is one line
    periods = len(scenario().bells_of(CITY).periods)
    assert len(lines) >= periods + 2, f"table borders found at y={lines}"

    dark = sum(_dark(row, x) for row in upper for x in range(0, width, 2))
    share = dark / (len(upper) * (width // 2))
    assert 0.01 < share < 0.5, f"{share:.3f} of the upper half is dark: blank, or not a grid on white"
    # The synchronized lesson cells are drawn with their highlight colour.
    yellow = sum(1 for row in upper for x in range(width) if tuple(row[3 * x:3 * x + 3]) == SYNC_YELLOW)
    assert yellow > 5_000, f"{yellow} sync-coloured pixels"


def pdf_pages(profile: Path, page: Path, pdf: Path) -> tuple[int, set[tuple[int, ...]]]:
    """Pages and their distinct media boxes (in points) of the page printed to PDF."""
    run_chromium(profile, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", data)
    boxes = {tuple(round(float(v)) for v in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
    return len(pages), boxes


def test_print_to_pdf_gives_one_a4_landscape_page_per_grid(page: Path, tmp_path: Path) -> None:
    pages, boxes = pdf_pages(tmp_path / "profile", page, tmp_path / "page.pdf")
    assert pages == len(school_grids(scenario(), solution(), CITY)) == 4
    assert boxes == {(0, 0, 842, 595)}, boxes  # A4 landscape in points


def test_nine_periods_of_three_line_cells_still_print_one_page_per_grid(tmp_path: Path) -> None:
    crowded_scenario, crowded_solution = crowded()
    write_all(crowded_scenario, crowded_solution, tmp_path / "out")
    grids = school_grids(crowded_scenario, crowded_solution, CITY)
    assert len(grids[0].rows) == 9 and len(grids[0].cells[(grids[0].days[0], 1)].lines) == 3
    pages, _ = pdf_pages(tmp_path / "profile", tmp_path / "out" / "timetables" / f"{CITY}.html", tmp_path / "c.pdf")
    assert pages == len(grids)

"""Printable outputs of a solved timetable: school workbooks and pages, lesson and sync tables.

``write_all`` writes, under the output folder::

    timetables/<school id>.xlsx   one sheet per class, then per teacher teaching there, then per room
    timetables/<school id>.html   the same grids, one A4 page each when printed
    timetables/index.html         links to every school page, by consortium
    timetables/grids.json         every grid as data, for the feed pages' XLSX/PDF downloads
    lessons.csv                   every lesson
    sync_table.csv / .xlsx        同步课堂“一张表”: one row per synchronized occurrence
    research_blocks.csv           when each research block meets, and who attends

Every file is byte-identical when written again from the same scenario and solution. Like ``feeds``, this
room receives data (the scenario, the solution, the solver's penalties) and imports only ``models``.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

from models.parallel import fork_map
from models.scenario import Scenario
from models.solution import Solution
from reports.documents import GRIDS_FILE, grids_json
from reports.grid import Grid, LessonIndex, class_grid, room_grid, school_grids, teacher_grid
from reports.html import index_page, school_page
from reports.labels import safe_file_stem
from reports.tables import (
    LESSON_HEADER,
    RESEARCH_HEADER,
    SYNC_HEADER,
    lesson_rows,
    research_rows,
    sync_rows,
    write_csv,
)
from reports.workbook import grid_workbook, save_workbook, table_workbook

TIMETABLES = "timetables"

__all__ = [
    "Grid",
    "LessonIndex",
    "class_grid",
    "room_grid",
    "school_grids",
    "teacher_grid",
    "workbook_stamp",
    "write_all",
    "write_lessons_csv",
    "write_research_csv",
    "write_school_timetables",
    "write_sync_table",
]


def workbook_stamp(scenario: Scenario) -> datetime:
    """The created/modified time written into workbooks: the term's first day, so reruns match."""
    return datetime.combine(scenario.term.start, time(0, 0))


def school_file_stems(scenario: Scenario) -> dict[str, str]:
    """File name (without suffix) of each school's timetables; ids that clash once made safe get a number."""
    stems: dict[str, str] = {}
    taken: set[str] = {"index"}
    for school in sorted(scenario.schools, key=lambda s: s.id):
        stem, n = safe_file_stem(school.id), 1
        candidate = stem
        while candidate.lower() in taken:
            n += 1
            candidate = f"{stem}_{n}"
        taken.add(candidate.lower())
        stems[school.id] = candidate
    return stems


def write_school_timetables(scenario: Scenario, solution: Solution, folder: Path) -> list[Path]:
    """Each school's workbook and HTML page, and the index page linking them; the schools are shared out
    between two processes where that is possible."""
    folder.mkdir(parents=True, exist_ok=True)
    stems = school_file_stems(scenario)
    index = LessonIndex.of(scenario, solution)
    classes = {s.id: 0 for s in scenario.schools}
    for klass in scenario.classes:
        classes[klass.school] += 1
    halves: list[list[str]] = [[], []]
    loads = [0, 0]
    for school_id in sorted(stems, key=lambda s: (-classes.get(s, 0), s)):
        lighter = loads.index(min(loads))
        halves[lighter].append(school_id)
        loads[lighter] += classes.get(school_id, 0) + 1

    def write(schools: list[str]) -> list[tuple[Path, list[Grid]]]:
        return [_write_school(scenario, solution, school_id, stems[school_id], folder, index) for school_id in schools]

    made: dict[str, tuple[Path, list[Grid]]] = {}
    for half, results in zip([h for h in halves if h], fork_map(write, [h for h in halves if h])):
        made.update(zip(half, results))
    pages = {school_id: f"{stem}.html" for school_id, stem in stems.items()}
    index_html = folder / "index.html"
    index_html.write_bytes(index_page(scenario, pages).encode("utf-8"))
    # Every grid again as data, for the feed pages' downloads (reports.documents).
    every = [(school_id, grid) for school_id in stems for grid in made[school_id][1]]
    grids_file = folder / GRIDS_FILE
    grids_file.write_text(grids_json(every, workbook_stamp(scenario)), encoding="utf-8")
    written = [path for school_id in stems for path in (made[school_id][0], folder / pages[school_id])]
    return written + [index_html, grids_file]


def _write_school(scenario: Scenario, solution: Solution, school_id: str, stem: str, folder: Path,
                  index: LessonIndex) -> tuple[Path, list[Grid]]:
    """A school's workbook and page; its grids come back for the index of every grid."""
    grids = school_grids(scenario, solution, school_id, index)
    book = save_workbook(grid_workbook(grids, workbook_stamp(scenario)), folder / f"{stem}.xlsx")
    page = folder / f"{stem}.html"
    page.write_bytes(school_page(scenario, school_id, grids).encode("utf-8"))
    return book, grids


def write_lessons_csv(scenario: Scenario, solution: Solution, path: Path) -> Path:
    return write_csv(path, LESSON_HEADER, lesson_rows(scenario, solution))


def write_sync_table(scenario: Scenario, solution: Solution, out_dir: Path) -> list[Path]:
    """``sync_table.csv`` and ``sync_table.xlsx`` (the same rows; the workbook lists classes one per line)."""
    csv_path = write_csv(out_dir / "sync_table.csv", SYNC_HEADER, sync_rows(scenario, solution))
    title = f"{scenario.district} 同步课堂“一张表”" + (f"（{scenario.term.name}）" if scenario.term.name else "")
    workbook = table_workbook("同步课堂一张表", title, SYNC_HEADER, sync_rows(scenario, solution, separator="\n"),
                              workbook_stamp(scenario), widths=[16, 6, 12, 26, 10, 16, 24, 28, 36, 10, 14])
    return [csv_path, save_workbook(workbook, out_dir / "sync_table.xlsx")]


def write_research_csv(scenario: Scenario, solution: Solution, path: Path) -> Path:
    return write_csv(path, RESEARCH_HEADER, research_rows(scenario, solution))


def write_all(scenario: Scenario, solution: Solution, out_dir: Path) -> list[Path]:
    """Write every printable output of a solution under ``out_dir``; return the files, sorted."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = write_school_timetables(scenario, solution, out_dir / TIMETABLES)
    written.append(write_lessons_csv(scenario, solution, out_dir / "lessons.csv"))
    written += write_sync_table(scenario, solution, out_dir)
    written.append(write_research_csv(scenario, solution, out_dir / "research_blocks.csv"))
    return sorted(written)

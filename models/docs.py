"""docs/format.md, generated from the table declarations (models.tables) and the scenario.yaml models.

Regenerate with ``python -m models.docs > docs/format.md``; tests/test_validate_docs.py fails when
the committed file differs, so the documentation cannot drift from what the loader reads.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from models.bells import BellSchedule, BellSeason
from models.calendar import MakeupDay, TermCalendar
from models.curriculum import Subject
from models.cover_policy import ChangePolicy
from models.later import ActivityRule, ExchangePolicy, ItinerantPost
from models.preferences import QualityRules, SoftWeights
from models.school import Consortium
from models.tables import TABLES, Column, Table

# The scenario.yaml sections: key, model of one entry, whether it is a list, what it is for.
YAML_SECTIONS: tuple[tuple[str, type[BaseModel], bool, str], ...] = (
    ("term", TermCalendar, False, "the term's dates; holidays and assessment days may be ranges like "
                                  "'2026-10-01..2026-10-07'"),
    ("term.makeup_days", MakeupDay, True, "weekend days declared working days (调休), each teaching one weekday's timetable"),
    ("consortia", Consortium, True, "the consortia (教研共同体); schools.csv names them by id"),
    ("bell_schedules", BellSchedule, True, "bell schedules (作息表); periods are 'HH:MM-HH:MM' texts, days 周一…周日"),
    ("bell_schedules[].seasons", BellSeason, True, "seasonal clock times (e.g. 冬季作息) from a start date; same number of periods"),
    ("subjects", Subject, True, "subjects; their ids are used in every table"),
    ("weights", SoftWeights, False, "weights of the soft preferences; 0 switches one off"),
    ("quality", QualityRules, False, "the rules a school's 教务处 checks first, each 'hard', a weight (each breach "
                                     "costs it) or 'off'; defaults: a class's day has no holes and its free periods "
                                     "are the last of the day (课后服务/自习), PE is not first or straight after lunch "
                                     "(weight 5)"),
    ("itinerant_posts", ItinerantPost, True, "itinerant teachers (走教): who may travel to which schools, within which limits"),
    ("activities", ActivityRule, True, "kept for consortium activities (read, not yet solved)"),
    ("exchange", ExchangePolicy, False, "kept for the exchange-rotation policy (read, not yet solved)"),
    ("substitution", ChangePolicy, False, "how tongbu substitute covers lessons (代课/调课): the order of preference "
                                          "and the extra load; a change set's changes.yaml policy: overrides it"),
)
OTHER_KEYS: tuple[tuple[str, str], ...] = (
    ("district", "the county's name, shown in reports (default: the folder's name)"),
    ("workbook", "name of one workbook holding every table as a sheet (default scenario.xlsx)"),
    ("tables", "a mapping table name -> file name, for tables kept under other names"),
    ("imported_from", "set by importers: where the scenario came from"),
    ("not_imported", "set by importers: what an import left out"),
    ("explicit", "set by the FET importer: days, hours, teachers, buildings and left_out of a lesson-by-lesson timetable"),
    ("activity_rules", "consortium activity rules, as in activity_rules.yaml (docs/activities.md)"),
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _column_row(column: Column) -> str:
    names = ", ".join(f"`{a}`" for a in column.aliases)
    return (f"| `{column.name}` | {column.zh}{' (' + names + ')' if names else ''} | "
            f"{'yes' if column.required else ''} | {_cell(column.help)} |")


def table_markdown(table: Table) -> list[str]:
    lines = [f"### {table.name}.csv — {table.zh}", ""]
    lines.append("Required table." if table.required else "Optional table: leave it out when it has no rows.")
    if table.help:
        lines += ["", table.help]
    lines += ["", "| column | Chinese header | required | meaning |", "|---|---|---|---|"]
    lines += [_column_row(c) for c in table.columns]
    if table.examples:
        lines += ["", "Example rows:", "", "```csv", ",".join(c.name for c in table.columns)]
        lines += [",".join(row) for row in table.examples]
        lines.append("```")
    return lines + [""]


def _default(info: Any) -> str:
    if info.is_required():
        return "required"
    value = info.get_default(call_default_factory=True)
    if value in ((), None, ""):
        return ""
    if isinstance(value, tuple):
        return ", ".join(getattr(v, "value", str(v)) for v in value)
    return str(getattr(value, "value", value))


def section_markdown(key: str, model: type[BaseModel], is_list: bool, meaning: str) -> list[str]:
    lines = [f"### `{key}`{' (a list)' if is_list else ''}", "", meaning, "",
             "| key | default | meaning |", "|---|---|---|"]
    for name, info in model.model_fields.items():
        lines.append(f"| `{info.alias or name}` | {_cell(_default(info))} | {_cell(info.description or '')} |")
    return lines + [""]


def fet_markdown() -> list[str]:
    """What ``tongbu import-fet`` reads from a FET file and what it leaves out (from the reader's own kind lists)."""
    from models.fet.reader import IMPORTED_KINDS, ROOM_KINDS

    return [
        "## Imported FET files (`tongbu import-fet`)",
        "",
        "An imported folder is an ordinary scenario (one school, FET's days and hours, made-up clock times) plus "
        "`student_sets.csv`, `explicit_activities.csv` (with activity tags), `time_constraints.csv`, and, when "
        "the file has rooms, `explicit_rooms.csv` (`name, building, capacity, sets`) and `space_constraints.csv` "
        "(`kind, weight, activities, rooms, subject, tag, teacher, students, slots`); `explicit` in scenario.yaml "
        "holds the days, hours, teachers, buildings and `left_out`. docs/fet.md says more.",
        "",
        "* Read: days (any number: a FET day is a label; more than 7 are published as solution.json and lessons.csv, "
        "without workbooks, pages or calendar feeds), hours, teachers, subjects, activity tags, the students tree, "
        "active activities, buildings, rooms (with their capacity; a virtual room with its sets of real rooms), and these constraints (weight 100 hard, lower "
        "weighted, costing their weight when broken):",
        "  time: " + ", ".join(sorted(IMPORTED_KINDS)) + ";",
        "  space: " + ", ".join(sorted(ROOM_KINDS)) + ".",
        "* Rooms: an activity a hard preferred-room rule names must be in a room all such rules allow (and that seats "
        "its students); one with only weighted rules may take one of their rooms or none; home rooms count for "
        "activities no preferred-room rule names; an activity no rule names needs no room (FET's BasicCompulsorySpace). "
        "A room holds one activity at a time.",
        "* Left out, listed by kind and count in `left_out` (`import-fet` prints them; `solve` warns that the "
        "timetable is partial): every other time constraint and every other space constraint (as `space:<kind>`). "
        "Inactive activities and constraints are skipped, as FET skips them. A virtual room takes one real room of "
        "each of its sets.",
        "",
    ]


def format_markdown() -> str:
    """The whole docs/format.md."""
    lines = [
        "# Scenario folder format",
        "",
        "<!-- Generated by `python -m models.docs > docs/format.md` from models/tables.py; do not edit by hand. -->",
        "",
        "A scenario folder holds `scenario.yaml` and one table per kind of data, each as `NAME.csv`, `NAME.xlsx`, "
        "or a sheet named `NAME` (or its Chinese name) in `scenario.xlsx`. `tongbu init DIR` writes an empty one.",
        "",
        "* The first row of a table is its header; each column may be headed by its English name or its Chinese "
        "header. Column order does not matter; unknown columns are reported and ignored.",
        "* CSV files are read as UTF-8 (with or without BOM) or UTF-16; a CSV saved by Excel on Chinese Windows "
        "(GB18030/GBK) is read too, with a warning suggesting 'CSV UTF-8'. Tab-separated text works as well.",
        "* Lists inside a cell are separated by `;`, `；`, `,`, `，`, `、`, `/` or `|`. Yes/no cells take 是/否, "
        "1/0, yes/no or true/false. Times of the week are written like `周一1-2;周三;Fri5` (periods from 1).",
        "* A table is in one place: `NAME.csv`, `NAME.xlsx` or a sheet of the workbook; one found in two places is "
        "an error naming both. In XLSX, leave table cells unmerged; a formula is read as the value Excel or WPS "
        "saved with it (a workbook saved by a program that does not calculate formulas has none: open and save it "
        "in Excel or WPS).",
        "* scenario.yaml keys tongbu does not know are errors, with the closest known key suggested.",
        "* Text cells that tongbu writes (tables, timetables, reports) beginning with `=`, `+`, `-` or `@` get a "
        "leading `'`, so spreadsheet programs show them as text instead of running them as formulas; numbers are "
        "written as they are, and reading a scenario removes the `'` again.",
        "* `tongbu validate DIR` lists every problem with its file, row and column (for scenario.yaml: line and "
        "key) and exits with code 2 when any is an error.",
        "",
        "## Tables",
        "",
    ]
    for table in TABLES:
        lines += table_markdown(table)
    lines += ["## scenario.yaml", "", "| key | meaning |", "|---|---|"]
    lines += [f"| `{key}` | {_cell(meaning)} |" for key, meaning in OTHER_KEYS]
    lines.append("")
    for section in YAML_SECTIONS:
        lines += section_markdown(*section)
    from models.changes import changes_markdown

    lines += changes_markdown()
    lines += [""] + fet_markdown()
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]
    sys.stdout.write(format_markdown())

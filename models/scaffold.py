"""``tongbu init``: an empty scenario whose workbook has every table's headers and two example rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.errors import BadInput
from models.files import WORKBOOK_NAME, YAML_NAME, write_workbook, write_yaml
from models.preferences import QualityRules, SoftWeights
from models.tables import TABLES

# The 2022 national curriculum plan's subjects (义务教育课程方案 2022).
STANDARD_SUBJECTS: list[dict[str, Any]] = [
    {"id": "语文", "name": "语文", "name_en": "Chinese", "core": True},
    {"id": "数学", "name": "数学", "name_en": "Mathematics", "core": True},
    {"id": "英语", "name": "英语", "name_en": "English"},
    {"id": "道德与法治", "name": "道德与法治", "name_en": "Morality and Law"},
    {"id": "科学", "name": "科学", "name_en": "Science"},
    {"id": "体育与健康", "name": "体育与健康", "name_en": "PE and Health", "shortage": True},
    {"id": "音乐", "name": "音乐", "name_en": "Music", "shortage": True},
    {"id": "美术", "name": "美术", "name_en": "Art", "shortage": True},
    {"id": "信息科技", "name": "信息科技", "name_en": "IT", "shortage": True},
    {"id": "劳动", "name": "劳动", "name_en": "Labour"},
    {"id": "综合实践活动", "name": "综合实践活动", "name_en": "Integrated Practice"},
]


def scaffold_yaml() -> dict[str, Any]:
    return {
        "district": "示例县",
        "term": {
            "name": "2026年秋季学期", "start": "2026-09-01", "end": "2027-01-22", "use_official_holidays": True,
            "holidays": ["2026-10-01..2026-10-07", "2027-01-01"],
            "makeup_days": [{"date": "2026-09-20", "follows": "周三"}, {"date": "2026-10-10", "follows": "周三"}],
            "assessment_days": ["2027-01-14", "2027-01-15"],
        },
        "consortia": [{"id": "示例共同体", "name": "示例县小学教研共同体", "kind": "co_built"}],
        # Periods 3 and 4 keep the same clock times in both schedules and seasons: a synchronized lesson
        # needs one period that lies within the other's times at every school (the examples S1 and S2).
        "bell_schedules": [
            {"id": "县城作息", "days": ["周一", "周二", "周三", "周四", "周五"],
             "periods": ["08:00-08:40", "08:50-09:30", "10:10-10:50", "11:00-11:40", "14:30-15:10", "15:20-16:00", "16:10-16:50"],
             "seasons": [{"name": "冬季作息", "starts": "2026-10-08",
                          "periods": ["08:00-08:40", "08:50-09:30", "10:10-10:50", "11:00-11:40", "14:00-14:40", "14:50-15:30", "15:40-16:20"]}]},
            {"id": "乡村作息", "days": ["周一", "周二", "周三", "周四", "周五"],
             "periods": ["08:20-09:00", "09:10-09:50", "10:10-10:50", "11:00-11:40", "14:30-15:10", "15:20-16:00", "16:10-16:50"]},
        ],
        "subjects": STANDARD_SUBJECTS,
        "weights": SoftWeights().model_dump(),
        "quality": QualityRules().model_dump(mode="json", exclude={"free_slots", "core_subjects", "pe_subjects"}),
    }


def write_scaffold(folder: Path) -> list[Path]:
    """Write scenario.yaml and scenario.xlsx (one sheet per table: headers and two example rows) into a new or
    empty folder (a folder with files in it is a bad input: nothing is overwritten)."""
    if folder.exists() and any(folder.iterdir()):
        raise BadInput(f"{folder} is not empty: choose a new folder", f"{folder} 不是空文件夹：请换一个新文件夹")
    folder.mkdir(parents=True, exist_ok=True)
    yaml_path, book_path = folder / YAML_NAME, folder / WORKBOOK_NAME
    write_yaml(scaffold_yaml(), yaml_path)
    sheets = {t.name: [[c.name for c in t.columns]] + [list(r) for r in t.examples] for t in TABLES}
    write_workbook(sheets, book_path)
    from models.changes import write_template

    # The change set of the term (代课/调课, ``tongbu substitute``): a template beside the scenario.
    return [yaml_path, book_path, *write_template(folder)]

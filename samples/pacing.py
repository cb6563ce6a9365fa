"""Write each sample's pacing.csv (教学进度): the autumn term's teaching sequence of 语文, 数学 and 英语.

Kept apart from samples/generate.py (which writes the scenario tables): this table is written, not
generated. Run ``python -m samples.pacing`` after changing it; tests/test_pacing_samples.py checks
the committed files are current and that each sample's pacing plan verifies on its timetable.

Where the numbers come from — they are **estimates**, not copied from a teaching-reference book:

* 语文 (统编版, 8 units a book in grades 1–6, 6 in grade 7): a unit's lessons are counted from its
  usual make-up with the allotment common in the 教师用书 — 精读课文 2 课时, 略读课文 1, 口语交际 1,
  习作 2, 语文园地 2, 快乐读书吧 1 — giving 8–14 lessons a unit (the 汉语拼音 units of grade 1: 16–18).
* 数学 (人教版): 8–9 units a book; a unit's lessons follow its size in the book (a small 数学广角 unit
  2–3, a large computation unit 12–15), as the 教师用书's 课时安排 tables do.
* 英语 (PEP, from grade 3; 人教版 Go for it in grades 7–9): the 教师用书 plans about 6 lessons a unit;
  with 2 periods a week (grades 3–4) 3 a unit, with 3 (grades 5–6) 5, Recycle units 2; 6–9 a unit in
  grades 7–9.
* Review allowances (复习) are the consortium's choice: 期中复习 1–4, 期末复习 2–10 lessons, fewer
  where the subject has fewer periods a week.

The totals leave roughly 10–30% of each stretch's lessons spare (机动), so a regenerated timetable with
other weekdays for the lessons still keeps the pace.

Check them against your own 教师用书 before use; the planner only needs the numbers to be right.

Assessments follow the documents (../shared/seeds): Pengshui and Yangcheng are co-built consortia that
"质量监测……同步管理" / "统一……测试": a county-wide 期中测评 (12 Nov 2026) and 期末测评 (14 Jan 2027, a
term assessment day) of grades 3–6 (and 7–9) in 语文, 数学 and 英语, one day per grade; in Pengshui,
彭水一小教研共同体 holds its own grade-6 maths mid-term (10 Nov, a consortium-wide test). Zhangping
(004): "每学期末、学年末对三至六年级进行统一质量监测" — only the 期末测评. Grades 1–2 have no
written test (the 2021 "双减" rules), so their sequences end with review only.
"""

from __future__ import annotations

import argparse
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from models.cells import safe_row
from models.tables import TABLE_BY_NAME

SAMPLES = Path(__file__).resolve().parent
MIDTERM, FINAL = "2026-11-12", "2027-01-14"
NUMERALS = "一二三四五六七八九十"
CN_GRADE = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九"}

YUWEN_NOTE = ("课时为估计值：按精读课文2、略读课文1、口语交际1、习作2、语文园地2、快乐读书吧1课时估算（统编版教师用书常见分配），"
              "请按教师用书核对")
SHUXUE_NOTE = "课时为估计值：按各单元在教材中的篇幅估算（人教版教师用书课时安排的常见量），请按教师用书核对"
YINGYU_NOTE = "课时为估计值：每单元课时按周课时估算（PEP 教师用书常见为每单元6课时），请按教师用书核对"
REVIEW_NOTE = "复习课时为共同体约定"

# Lessons per unit, in book order (estimates, see the module docstring).
YUWEN = {1: [4, 12, 18, 18, 16, 12, 14, 12, 12], 2: [12, 14, 12, 14, 12, 13, 14, 12], 3: [11, 11, 12, 8, 8, 11, 10, 12],
         4: [12, 11, 12, 12, 8, 11, 10, 10], 5: [10, 9, 9, 8, 7, 10, 8, 9], 6: [11, 9, 10, 8, 7, 9, 8, 9],
         7: [11, 11, 11, 11, 10, 10, 4], 8: [11, 11, 11, 11, 10, 10, 4], 9: [11, 11, 11, 11, 10, 10, 4]}
SHUXUE = {1: [4, 3, 12, 3, 15, 5, 2, 11], 2: [4, 12, 3, 13, 2, 11, 3, 2], 3: [3, 5, 7, 9, 3, 13, 8, 9, 2],
          4: [15, 2, 5, 7, 7, 15, 3, 3], 5: [12, 2, 14, 3, 18, 10, 3], 6: [12, 4, 12, 4, 13, 8, 3, 2],
          7: [12, 14, 8, 9, 14, 12], 8: [11, 13, 14, 16, 14], 9: [13, 14, 10, 16, 8]}
YINGYU = {3: [3, 3, 3, 2, 3, 3, 3, 2], 4: [3, 3, 3, 2, 3, 3, 3, 2], 5: [5, 5, 5, 2, 5, 5, 5, 2],
          6: [5, 5, 5, 2, 5, 5, 5, 2], 7: [9, 8, 8, 8, 8, 8, 8, 8], 8: [7, 7, 7, 7, 7, 6, 6, 6, 6, 6],
          9: [9, 9, 9, 9, 9, 9, 9]}
# Where the mid-term falls: units before it (about half of the lessons, since 48 of the 92 school days
# before the final come before 12 November).
MID_AFTER = {"语文": {1: 5, 2: 4, 3: 4, 4: 4, 5: 4, 6: 4, 7: 3, 8: 3, 9: 3},
             "数学": {1: 5, 2: 4, 3: 5, 4: 4, 5: 4, 6: 4, 7: 3, 8: 3, 9: 3},
             "英语": {3: 4, 4: 4, 5: 4, 6: 4, 7: 4, 8: 5, 9: 4}}
# (期中复习, 期末复习) lessons, by subject and grades: fewer where the subject has fewer periods a week.
REVIEWS = {"语文": {1: (4, 10), 2: (4, 10), 3: (4, 10), 4: (4, 8), 5: (3, 8), 6: (3, 8), 7: (3, 6), 8: (3, 6), 9: (3, 6)},
           "数学": {g: (2, 6) for g in range(1, 10)},
           "英语": {3: (1, 2), 4: (1, 2), 5: (2, 3), 6: (2, 3), 7: (2, 4), 8: (2, 4), 9: (2, 4)}}
EDITION = {"语文": "统编版", "数学": "人教版", "英语": "人教版PEP"}


@dataclass(frozen=True)
class Row:
    consortium: str
    grade: int
    subject: str
    seq: int
    kind: str
    title: str
    lessons: int | None
    date: str
    textbook: str
    note: str

    def cells(self) -> list[str]:
        return [self.consortium, str(self.grade), self.subject, str(self.seq), self.kind, self.title,
                "" if self.lessons is None else str(self.lessons), self.date, self.textbook, self.note]


def unit_titles(subject: str, grade: int, count: int) -> list[str]:
    if subject == "英语" and grade <= 6:
        # PEP: Units 1–3, Recycle 1, Units 4–6, Recycle 2
        return ["Unit 1", "Unit 2", "Unit 3", "Recycle 1", "Unit 4", "Unit 5", "Unit 6", "Recycle 2"]
    if subject == "英语":
        return ["Starter Units 1–3"] * (grade == 7) + [f"Unit {i}" for i in range(1, count + 1 - (grade == 7))]
    if subject == "语文" and grade == 1:
        return ["我上学了（入学教育）"] + [f"第{NUMERALS[i]}单元" for i in range(count - 1)]
    if subject == "语文" and grade >= 7:
        return [f"第{NUMERALS[i]}单元" for i in range(count - 1)] + ["名著导读"]
    word = "章" if subject == "数学" and grade >= 7 else "单元"
    return [f"第{NUMERALS[i]}{word}" for i in range(count)]


def sequence(subject: str, grade: int, *, consortium: str = "", midterm: str | None = MIDTERM,
             final: str | None = FINAL) -> list[Row]:
    """One grade's sequence: units, 期中复习 and 期中测评 (when ``midterm``), units, 期末复习, 期末测评 (when ``final``)."""
    lessons = {"语文": YUWEN, "数学": SHUXUE, "英语": YINGYU}[subject][grade]
    titles = unit_titles(subject, grade, len(lessons))
    book = f"{EDITION[subject]} {subject} {CN_GRADE[grade]}年级上册"
    note = {"语文": YUWEN_NOTE, "数学": SHUXUE_NOTE, "英语": YINGYU_NOTE}[subject]
    mid_review, final_review = REVIEWS[subject][grade]
    split = MID_AFTER[subject][grade] if midterm else len(lessons)
    rows: list[Row] = []

    def add(kind: str, title: str, n: int | None, day: str = "", remark: str = "") -> None:
        rows.append(Row(consortium, grade, subject, len(rows) + 1, kind, title, n, day, book, remark))

    for i in range(split):
        add("unit", titles[i], lessons[i], remark=note if i == 0 else "")
    if midterm:
        add("review", "期中复习", mid_review, remark=REVIEW_NOTE)
        add("assessment", "期中测评", None, midterm)
    for i in range(split, len(lessons)):
        add("unit", titles[i], lessons[i])
    add("review", "期末复习", final_review, remark=REVIEW_NOTE)
    if final:
        add("assessment", "期末测评", None, final)
    return rows


def primary(midterm: str | None) -> list[Row]:
    rows: list[Row] = []
    for grade in range(1, 7):
        tested = grade >= 3  # "双减": no written tests in grades 1–2
        for subject in ("语文", "数学", "英语"):
            if subject == "英语" and grade < 3:
                continue
            rows += sequence(subject, grade, midterm=midterm if tested else None, final=FINAL if tested else None)
    return rows


def pengshui() -> list[Row]:
    # A consortium-wide test: 彭水一小教研共同体 holds its own grade-6 maths mid-term two days earlier.
    return primary(MIDTERM) + sequence("数学", 6, consortium="彭水一小教研共同体", midterm="2026-11-10")


def yangcheng() -> list[Row]:
    rows = primary(MIDTERM)
    for grade in (7, 8, 9):
        for subject in ("语文", "数学", "英语"):
            rows += sequence(subject, grade)
    return rows


def zhangping() -> list[Row]:
    return primary(None)


COUNTIES = {"pengshui": pengshui, "yangcheng": yangcheng, "zhangping": zhangping}


def pacing_bytes(county: str) -> bytes:
    """pacing.csv as written: canonical headers, UTF-8 with BOM, CRLF (as models.files writes tables)."""
    header = [c.name for c in TABLE_BY_NAME["pacing"].columns]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(safe_row(r) for r in [header] + [x.cells() for x in COUNTIES[county]()])
    return buffer.getvalue().encode("utf-8-sig")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(COUNTIES))
    args = parser.parse_args()
    for county in [args.only] if args.only else sorted(COUNTIES):
        path = SAMPLES / county / "pacing.csv"
        path.write_bytes(pacing_bytes(county))
        print(path)


if __name__ == "__main__":
    main()

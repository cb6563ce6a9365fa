"""Write a plan: plan.csv/.xlsx, summaries against the ratios, teachers to notify, and one scenario per year.

OUT holds:

- ``plan.csv`` (and sheet ``plan`` of ``plan.xlsx``): teacher, name, from, to, year, years, kind,
  backbone, covers, reason (中文), reason_en — one row per placement, by year, home school, teacher;
- ``summary_schools.csv``: per school and year, eligible teachers, rotated out, the school's own
  required count (ceil(ratio × eligible)), backbone, away and incoming;
- ``summary_units.csv``: per consortium and the county (and per school when that is the scope),
  eligible, required, rotated, backbone against the backbone share; ``enforced`` marks the scope
  configured in ``ratio_scope``;
- ``notify.csv``: the teachers to notify, by home school;
- ``plan_info.yaml``: status, years, the settings used, the explanation when ratios are impossible
  (the plan checker reads years and settings from the scenario, the years from here);
- ``explanation.txt``: the explanation in English and Chinese, when there is one;
- ``scenario_<year>/``: the hand-over scenario of each year (see handover.py).

Every file is byte-identical for the same input and seed (no clock, sorted rows, BOM on CSV).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from models.exchange_files import ratio_fraction
from models.files import write_csv, write_workbook
from scheduler.exchange.handover import write_year_scenario
from scheduler.exchange.plan import ExchangePlan

PLAN_HEADER = ["teacher", "name", "from", "to", "year", "years", "kind", "backbone", "covers", "reason", "reason_en"]


def _yes(value: bool) -> str:
    return "是" if value else "否"


def plan_rows(plan: ExchangePlan) -> list[list[str]]:
    rows = [PLAN_HEADER]
    for p in sorted(plan.placements, key=lambda p: (p.year, p.home, p.teacher)):
        rows.append([p.teacher, p.name, p.home, p.host, str(p.year), str(p.years), p.direction.value, _yes(p.backbone),
                     ";".join(p.covers), p.reason_zh, p.reason_en])
    return rows


def school_rows(plan: ExchangePlan) -> list[list[str]]:
    import math

    ratio = ratio_fraction(plan.inputs.settings.yearly_ratio)
    rows = [["year", "school", "consortium", "role", "teachers", "eligible", "required", "rotated_out", "backbone_out",
             "away", "incoming", "meets_ratio"]]
    for s in sorted(plan.schools, key=lambda s: (s.year, s.school)):
        required = math.ceil(ratio * s.eligible)
        rows.append([str(s.year), s.school, s.consortium, s.role, str(s.teachers), str(s.eligible), str(required),
                     str(s.rotated_out), str(s.backbone_out), str(s.away), str(s.incoming), _yes(s.rotated_out >= required)])
    return rows


def unit_rows(plan: ExchangePlan) -> list[list[str]]:
    enforced = plan.inputs.settings.ratio_scope.value
    order = {"county": 0, "consortium": 1, "school": 2}
    rows = [["scope", "unit", "year", "eligible", "required", "rotated", "backbone", "backbone_required", "met",
             "enforced"]]
    for u in sorted(plan.units, key=lambda u: (order[u.scope], u.unit, u.year)):
        if u.scope == "school" and enforced != "school":
            continue  # per-school figures are in summary_schools.csv
        rows.append([u.scope, u.unit, str(u.year), str(u.eligible), str(u.required), str(u.rotated), str(u.backbone),
                     str(u.backbone_required), _yes(u.met), _yes(u.scope == enforced)])
    return rows


def notify_rows(plan: ExchangePlan) -> list[list[str]]:
    rows = [["school", "teacher", "name", "to", "year", "years", "kind", "reason"]]
    for p in sorted(plan.placements, key=lambda p: (p.home, p.year, p.teacher)):
        rows.append([p.home, p.teacher, p.name, p.host, str(p.year), str(p.years), p.direction.zh, p.reason_zh])
    return rows


def plan_info(plan: ExchangePlan) -> dict:
    s = plan.inputs.settings
    return {
        "status": plan.status,
        "years": list(plan.years),
        "placements": len(plan.placements),
        "settings": {"eligibility_years": s.eligibility_years, "yearly_ratio": s.yearly_ratio,
                     "backbone_share": s.backbone_share, "placement_years": s.placement_years,
                     "ratio_scope": s.ratio_scope.value, "directions": [d.value for d in s.directions],
                     "retirement_exempt_years": s.retirement_exempt_years, "retirement_age": s.retirement_age,
                     "start_year": s.start_year},
        "search": {"seed": plan.seed, "effort": plan.effort, "stopped_by_time_limit": plan.stopped_by_time_limit},
        "explanation": [{"en": en, "zh": zh} for en, zh in plan.explanation],
    }


def write_plan(plan: ExchangePlan, out: Path) -> list[Path]:
    """Write every output of ``plan`` into ``out`` (created; earlier scenario_<year> folders replaced)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = {"plan": plan_rows(plan), "summary_schools": school_rows(plan), "summary_units": unit_rows(plan),
              "notify": notify_rows(plan)}
    written = []
    for name, rows in tables.items():
        write_csv(rows, out / f"{name}.csv")
        written.append(out / f"{name}.csv")
    write_workbook(tables, out / "plan.xlsx")
    written.append(out / "plan.xlsx")
    info = out / "plan_info.yaml"
    info.write_text(yaml.safe_dump(plan_info(plan), allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    written.append(info)
    explanation = out / "explanation.txt"
    if plan.explanation:
        text = "\n".join(en for en, _ in plan.explanation) + "\n\n" + "\n".join(zh for _, zh in plan.explanation) + "\n"
        explanation.write_text(text, encoding="utf-8")
        written.append(explanation)
    elif explanation.exists():
        explanation.unlink()
    for old in sorted(out.glob("scenario_*")):
        if old.is_dir():
            shutil.rmtree(old)
    for year in plan.years:
        written += write_year_scenario(plan, year, out / f"scenario_{year}")
    return written

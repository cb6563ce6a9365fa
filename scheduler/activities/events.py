"""Activity events for the feeds writer (models.events.CalendarEvent): naive local times (Asia/Shanghai).

A UID comes from the activity's domain identity (district, school year, term season, rule id and
occurrence number), never from its date or time: when a re-plan moves the meeting, the calendar
entry keeps its UID and only its time changes.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, time

from models.activity_plan import ActivityPlan, PlannedActivity, name_of
from models.events import CalendarEvent
from scheduler.activities.writers import MODE_ZH

UID_DOMAIN = "activities.tongbu"


def activity_uid(district: str, activity_id: str) -> str:
    digest = hashlib.sha1(f"{district}\x1factivity\x1f{activity_id}".encode("utf-8")).hexdigest()[:24]
    return f"{digest}@{UID_DOMAIN}"


def _description(plan: ActivityPlan, a: PlannedActivity) -> str:
    lines = [f"活动：{a.name}", f"共同体：{name_of(plan, 'consortium', a.consortium)}", f"形式：{MODE_ZH.get(a.mode, a.mode)}"]
    if a.host:
        lines.append(f"承办学校：{name_of(plan, 'school', a.host)}")
    if a.chair:
        lines.append(f"主持人：{name_of(plan, 'teacher', a.chair)}")
    if a.teacher:
        lines.append(f"授课：{name_of(plan, 'teacher', a.teacher)}（{name_of(plan, 'class', a.class_id)}）")
    if a.observers:
        lines.append("听课：" + "、".join(name_of(plan, "teacher", t) for t in a.observers))
    if a.kind == "spot_check":
        lines.append("授课教师于前一天随机抽取（tongbu draw）")
    lines.append(f"参加人员（{len(a.everyone)}人）：" + "、".join(name_of(plan, "teacher", t) for t in a.everyone))
    return "\n".join(lines)


def activity_events(plan: ActivityPlan) -> list[CalendarEvent]:
    """One event per planned activity, sorted by start then UID."""
    events = []
    for a in plan.activities:
        where = name_of(plan, "school", a.host) if a.host else ("线上" if a.mode == "online" else "各校")
        events.append(CalendarEvent(
            uid=activity_uid(plan.district, a.id),
            summary=f"【{name_of(plan, 'consortium', a.consortium)}】{a.name}",
            start=datetime.combine(a.date, time(a.start // 60, a.start % 60)),
            end=datetime.combine(a.date, time(a.end // 60, a.end % 60)),
            location=where, description=_description(plan, a), attendees=a.everyone, consortium=a.consortium,
            host=a.host, activity=a.id))
    return sorted(events, key=lambda e: (e.start, e.uid))

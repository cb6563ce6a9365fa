"""Write each sample's activity_rules.yaml: the recurring consortium activities its policy document sets.

Kept apart from samples/generate.py because these rules are written, not generated: each comes
from a sentence of a document in ../shared/seeds (quoted in the rule's comment below). Run
``python -m samples.activity_rules`` after changing them; tests/test_activity_samples.py checks the
committed files are current and that the rules load against each sample.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

SAMPLES = Path(__file__).resolve().parent

HEADER = ("# 教共体活动规则 (activity rules), written by samples/activity_rules.py; see docs/activities.md.\n"
          "# Rules per consortium; each one cites the policy sentence it implements.\n")


def _consortia(county: str) -> list[str]:
    data = yaml.safe_load((SAMPLES / county / "scenario.yaml").read_text(encoding="utf-8"))
    return [c["id"] for c in data["consortia"]]


def pengshui(consortium: str) -> list[dict]:
    # 000 彭水 "1+1+N" 教研共同体实施方案: joint research and lesson exchange led by the lead school,
    # the lead principal convening; the three-exchanges-a-term rhythm follows 001 (区域教研共同体).
    # Checked against the solved timetable (bench/bench_activities.py): the meeting may take any part
    # of the day, since in some communities no afternoon of a month let every principal reach the host
    # between lessons; the demonstration lessons are for the maths group (轮讲、共听、互评 among
    # teachers: one observer per other school) watched online (同步课堂), since with in-person
    # observers, or with every principal attending too, some schools could never teach one in the
    # weekly timetable and the 轮讲 rotation stalled in the next year; the Chinese exchange (60-80 teachers) is after the last lesson (16:50 at the latest),
    # when nobody teaches.
    return [
        {"id": f"{consortium}-联席会议", "consortium": consortium, "kind": "joint_meeting", "frequency": "monthly",
         "time": "08:30-17:30", "minutes": 90, "attendees": "principals", "chair": "lead", "host": "rotating"},
        {"id": f"{consortium}-轮讲共听互评", "consortium": consortium, "kind": "demo_lesson", "count": 2, "time": "08:00-17:30",
         "subject": "数学", "grades": [4, 5, 6], "attendees": [], "chair": "none", "mode": "online",
         "observers_per_school": 1},
        {"id": f"{consortium}-交流活动", "consortium": consortium, "kind": "exchange", "count": 3,
         "time": "17:00-18:30", "minutes": 90, "attendees": "subject:语文", "chair": "none", "mode": "online",
         "host": "rotating", "host_weights": "by_size"},
    ]


def yangcheng(consortium: str) -> list[dict]:
    # 003 阳教字〔2020〕14号: "主体学校校长为联席会议召集人……共同体各成员学校校长轮流担任主席，
    # 每月组织、主持一次联席会议" and "在主体学校与各校区之间开展'轮讲、共听、互评'".
    # The meeting may take any part of the school day (not only the afternoon, 14:00-17:30, first
    # tried): roads in the sample take up to about 3.5 hours and most township principals teach
    # several afternoons a week, so in four of the six communities no afternoon of a month left all
    # principals free to reach the chair's school, and online afternoons failed in two of them.
    # The demonstration lessons are the Chinese group's (one observer per other school), watched
    # online (同步课堂): in person, or with all principals attending, only the schools near everyone
    # could teach one, and the teaching-school rotation stalled in the second year.
    return [
        {"id": f"{consortium}-联席会议", "consortium": consortium, "kind": "joint_meeting", "frequency": "monthly",
         "time": "08:30-17:30", "minutes": 90, "attendees": "principals", "chair": "rotating",
         "chair_pool": "members", "host": "chair_school"},
        {"id": f"{consortium}-轮讲共听互评", "consortium": consortium, "kind": "demo_lesson", "count": 2, "time": "08:00-17:30",
         "subject": "语文", "attendees": [], "chair": "none", "mode": "online", "observers_per_school": 1},
    ]


def zhangping(consortium: str) -> list[dict]:
    # 004 漳教综〔2022〕3号: "每年召开一次……联盟校校长论坛", "每年举行一次联盟校班主任工作交流会",
    # "每年组织开展一次教育教学开放日活动".
    # The forum is held in the morning: roads between the alliance's schools take up to 3 hours and in
    # the solved timetable some township principals teach every afternoon, so no afternoon (the first
    # choice, 14:00-17:30) lets all eight principals reach any host without missing a lesson.
    # The homeroom exchange is online after the last lesson (17:00 in summer, 16:30 in winter): with
    # about 200 homeroom teachers per alliance someone is teaching at every hour of the school day.
    # The spot check follows 001 (区域教研共同体): "提前一天随机抽选35岁以下青年教师上全区常态课",
    # 第二阶段 11月1日-12月31日; the sample has no county research officers (教研员), so the alliance's
    # principals watch it online.
    return [
        {"id": f"{consortium}-校长论坛", "consortium": consortium, "kind": "forum", "frequency": "yearly", "count": 1,
         "terms": ["autumn"], "time": "08:30-12:00", "minutes": 120, "attendees": "principals", "chair": "lead",
         "host": "rotating"},
        {"id": f"{consortium}-班主任交流会", "consortium": consortium, "kind": "homeroom_exchange",
         "frequency": "yearly", "count": 1, "terms": ["autumn"], "time": "17:00-18:30", "minutes": 90,
         "attendees": "homeroom", "chair": "none", "mode": "online", "host": "rotating"},
        {"id": f"{consortium}-开放日", "consortium": consortium, "kind": "open_day", "frequency": "yearly", "count": 1,
         "terms": ["spring"], "time": "08:30-11:30", "minutes": 120, "attendees": "principals", "chair": "none",
         "host": "rotating"},
        {"id": f"{consortium}-随机抽测课", "consortium": consortium, "kind": "spot_check", "count": 2,
         "terms": ["autumn"], "window": ["11-01", "12-31"], "time": "08:00-11:30", "attendees": "principals",
         "chair": "none", "host": "none", "mode": "online"},
    ]


COUNTIES = {"pengshui": pengshui, "yangcheng": yangcheng, "zhangping": zhangping}


def debrief(consortium: str) -> dict:
    # 002 (共建型、协作型教共体建设基本要求): "同步课堂结束后，要针对双边课堂情况及时开展同步教学研讨". After every
    # sync lesson of the consortium, its teacher and the receiving classes' teachers of the subject meet online
    # for 30 minutes within two school days (the same day after the lesson, or the next two), between 08:00 and
    # 18:00 — "及时": the planner takes the earliest time all of them are free.
    return {"id": f"{consortium}-同步教学研讨", "consortium": consortium, "kind": "debrief", "within_days": 2,
            "minutes": 30, "time": "08:00-18:00"}


def rules_text(county: str) -> str:
    rules = [rule for consortium in _consortia(county) for rule in COUNTIES[county](consortium) + [debrief(consortium)]]
    body = yaml.safe_dump({"activity_rules": rules}, allow_unicode=True, sort_keys=False, width=120)
    return HEADER + body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(COUNTIES))
    args = parser.parse_args()
    for county in [args.only] if args.only else sorted(COUNTIES):
        path = SAMPLES / county / "activity_rules.yaml"
        path.write_text(rules_text(county), encoding="utf-8")
        print(path)


if __name__ == "__main__":
    main()

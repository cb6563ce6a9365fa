"""Closed vocabularies of the domain, with the Chinese words a timetabler writes for them."""

from __future__ import annotations

from enum import Enum


class _Vocabulary(str, Enum):
    """An enum whose members also accept the Chinese words listed in ``_aliases``."""

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {}

    @classmethod
    def _missing_(cls, value: object) -> _Vocabulary | None:
        if isinstance(value, str):
            key = value.strip()
            canonical = cls._aliases().get(key) or cls._aliases().get(key.lower())
            if canonical is not None:
                return cls(canonical)
            for member in cls:
                if member.value == key.lower().replace("-", "_").replace(" ", "_"):
                    return member
        return None

    @classmethod
    def accepted(cls) -> list[str]:
        """Every spelling accepted, for error messages."""
        return [m.value for m in cls] + sorted(cls._aliases())


class ConsortiumKind(_Vocabulary):
    CO_BUILT = "co_built"  # 共建型: shared management, same pacing and tests
    COLLABORATIVE = "collaborative"  # 协作型: project-based

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {"共建型": "co_built", "共建": "co_built", "协作型": "collaborative", "协作": "collaborative"}


class SchoolRole(_Vocabulary):
    LEAD = "lead"
    CENTRE = "centre"
    MEMBER = "member"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {
            "牵头总校": "lead", "牵头学校": "lead", "核心校": "lead", "主体学校": "lead", "总校": "lead",
            "牵头": "lead", "中心成员学校": "centre", "中心校": "centre", "基地校": "centre",
            "成员学校": "member", "成员": "member", "center": "centre",
        }


class SchoolTier(_Vocabulary):
    COUNTY_SEAT = "county_seat"
    TOWNSHIP = "township"
    VILLAGE = "village"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {"县直": "county_seat", "县城": "county_seat", "城区": "county_seat", "乡镇": "township",
                "乡村": "village", "村小": "village", "村": "village"}


class Stage(_Vocabulary):
    PRIMARY = "primary"
    JUNIOR = "junior"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {"小学": "primary", "小学部": "primary", "初中": "junior", "初中部": "junior"}

    @property
    def grades(self) -> range:
        return range(1, 7) if self is Stage.PRIMARY else range(7, 10)


class DeliveryMode(_Vocabulary):
    """How a synchronized lesson or a research block is held."""

    SYNC = "sync"  # 同步课堂: classes at several schools have the same lesson live
    REMOTE = "remote"  # 专递课堂: one teacher teaches receiving classes elsewhere
    IN_PERSON = "in_person"  # 线下: everyone travels to a host school
    ONLINE = "online"  # 线上

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {"同步课堂": "sync", "同步": "sync", "专递课堂": "remote", "专递": "remote",
                "线下": "in_person", "现场": "in_person", "线上": "online", "网络": "online"}


class Equipment(_Vocabulary):
    """What a room is fitted with (the rooms table's 设备 column)."""

    REMOTE = "remote"  # 远程互动: live two-way audio and video; the room takes sync lessons (同步课堂/专递课堂)
    RECORDING = "recording"  # 录播: lessons can be recorded (a 录播教室 usually has both)

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {"远程互动": "remote", "远程": "remote", "互动": "remote", "直播": "remote", "同步课堂": "remote",
                "专递课堂": "remote", "录播": "recording", "录制": "recording", "录像": "recording"}


class Weekday(_Vocabulary):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        names = {}
        zh = "一二三四五六日"
        en = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        for i, member in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]):
            for prefix in ("周", "星期", "礼拜"):
                names[prefix + zh[i]] = member
            names[en[i]] = member
            names[str(i + 1)] = member
        for prefix in ("周", "星期", "礼拜"):
            names[prefix + "天"] = "sun"
        return names

    @property
    def index(self) -> int:
        """0 for Monday, as ``date.weekday()``."""
        return _WEEKDAY_INDEX[self.value]

    @classmethod
    def of_index(cls, index: int) -> Weekday:
        return list(Weekday)[index]

    @property
    def zh(self) -> str:
        return "周" + "一二三四五六日"[self.index]


# Looked up hundreds of thousands of times when a county is checked and written.
_WEEKDAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


class PacingKind(_Vocabulary):
    """What a row of the pacing table (教学进度) is."""

    UNIT = "unit"  # 单元: a textbook unit with the lessons its teaching-reference plan gives it
    REVIEW = "review"  # 复习: lessons set aside for review (a review allowance)
    ASSESSMENT = "assessment"  # 统一测评: a consortium- or county-wide test on one date

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {"单元": "unit", "课文": "unit", "章": "unit", "复习": "review", "复习课": "review",
                "测评": "assessment", "统一测评": "assessment", "考试": "assessment", "测试": "assessment",
                "质量监测": "assessment"}

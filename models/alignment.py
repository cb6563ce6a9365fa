"""Alignment across schools: synchronized lessons and shared research blocks (issue 3 fills these in)."""

from __future__ import annotations

from pydantic import Field

from models.base import Frozen
from models.enums import DeliveryMode, Weekday


class SyncLesson(Frozen):
    """同步课堂 / 专递课堂: a lesson of ``teaching_class`` that ``receiving_classes`` at other schools join live.

    Each of the ``per_week`` occurrences is one of the teaching class's curriculum periods of the
    subject and one of each receiving class's (all of one grade), at overlapping clock times: the
    teacher is busy only in the teaching class's period, each receiving class in its own. With
    ``min_overlap_minutes`` the window all of them share lasts that long; without it every two of
    the periods nest (the shorter within the longer). Both under every combination of the schools'
    bell variants (base and seasons).
    """

    id: str
    subject: str
    teaching_class: str
    receiving_classes: tuple[str, ...]
    per_week: int = Field(default=1, ge=1)
    teacher: str | None = None
    mode: DeliveryMode = DeliveryMode.SYNC
    min_overlap_minutes: int | None = Field(
        default=None,
        description="minutes all the classes share; None: every two periods nest (the shorter within the longer)")


class ResearchBlock(Frozen):
    """A weekly block when a subject group's teachers have no lessons (集体备课, 大教研).

    The group is every teacher of ``subject`` who teaches one of ``grades`` at the schools of
    ``consortium`` (or of the whole county when it is None), plus any listed ``teachers``.
    """

    id: str
    name: str
    subject: str | None = None
    grades: tuple[int, ...] = ()
    consortium: str | None = None
    teachers: tuple[str, ...] = ()
    minutes: int = Field(default=90, ge=10)
    mode: DeliveryMode = DeliveryMode.ONLINE
    host: str | None = Field(default=None, description="host school when in person")
    travel_buffer_minutes: int = Field(
        default=15, ge=0, description="in person: minutes to spare between a lesson and the trip to or from the host "
                                      "(for those who travel)")
    days: tuple[Weekday, ...] = (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI)

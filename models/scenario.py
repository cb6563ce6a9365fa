"""A whole scenario: one district (county) with its consortia, as read from a scenario folder."""

from __future__ import annotations

from functools import cached_property

from pydantic import ConfigDict, Field

from models.alignment import ResearchBlock, SyncLesson
from models.base import Frozen
from models.bells import BellSchedule
from models.calendar import TermCalendar
from models.curriculum import CurriculumEntry, Subject
from models.enums import Stage
from models.explicit import ExplicitTimetable
from models.cover_policy import ChangePolicy
from models.later import ActivityRule, ExchangePolicy, ItinerantPost
from models.pacing_table import PacingRow
from models.preferences import QualityRules, SoftWeights
from models.school import Consortium, Room, School, SchoolClass
from models.staff import Teacher, TeachingAssignment
from models.travel import TravelTimes


class Scenario(Frozen):
    """Everything tongbu knows about a district's consortia for one term.

    Cross-references (school, class, teacher and subject ids) are checked once, by the loader;
    a ``Scenario`` that exists is consistent.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, ignored_types=(cached_property,))

    district: str
    term: TermCalendar
    consortia: tuple[Consortium, ...]
    schools: tuple[School, ...]
    bell_schedules: tuple[BellSchedule, ...]
    subjects: tuple[Subject, ...]
    curriculum: tuple[CurriculumEntry, ...]
    classes: tuple[SchoolClass, ...]
    teachers: tuple[Teacher, ...]
    assignments: tuple[TeachingAssignment, ...] = ()
    rooms: tuple[Room, ...] = ()
    travel: TravelTimes = TravelTimes()
    sync_lessons: tuple[SyncLesson, ...] = ()
    research_blocks: tuple[ResearchBlock, ...] = ()
    # The term's teaching sequence per grade and subject (学科进度), for the pacing calendar (docs/pacing.md).
    pacing: tuple[PacingRow, ...] = ()
    weights: SoftWeights = SoftWeights()
    quality: QualityRules = QualityRules()
    # Kept for the issues that solve them (itinerant posts, activities, exchange rotation).
    itinerant_posts: tuple[ItinerantPost, ...] = ()
    activities: tuple[ActivityRule, ...] = ()
    exchange: ExchangePolicy = ExchangePolicy()
    #: How tongbu substitute covers lessons (代课/调课); a change set's policy may override it.
    substitution: ChangePolicy = ChangePolicy()
    imported_from: str | None = Field(default=None, description="e.g. a FET file, when the scenario was imported")
    not_imported: tuple[str, ...] = Field(default=(), description="what an import left out, kind and count")
    # Activities given one by one (an imported FET file); None for a curriculum-driven scenario.
    explicit: ExplicitTimetable | None = None

    @cached_property
    def school_by_id(self) -> dict[str, School]:
        return {s.id: s for s in self.schools}

    @cached_property
    def class_by_id(self) -> dict[str, SchoolClass]:
        return {c.id: c for c in self.classes}

    @cached_property
    def teacher_by_id(self) -> dict[str, Teacher]:
        return {t.id: t for t in self.teachers}

    @cached_property
    def subject_by_id(self) -> dict[str, Subject]:
        return {s.id: s for s in self.subjects}

    @cached_property
    def bells_by_id(self) -> dict[str, BellSchedule]:
        return {b.id: b for b in self.bell_schedules}

    @cached_property
    def sync_by_id(self) -> dict[str, SyncLesson]:
        found: dict[str, SyncLesson] = {}
        for sync in self.sync_lessons:
            found.setdefault(sync.id, sync)
        return found

    @cached_property
    def consortium_by_id(self) -> dict[str, Consortium]:
        return {c.id: c for c in self.consortia}

    def bells_of(self, school_id: str) -> BellSchedule:
        return self.bells_by_id[self.school_by_id[school_id].bell_schedule]

    def curriculum_of(self, stage: Stage, grade: int) -> list[CurriculumEntry]:
        return [e for e in self.curriculum if e.stage == stage and e.grade == grade and e.periods > 0]

    def class_curriculum(self, class_id: str) -> list[CurriculumEntry]:
        klass = self.class_by_id[class_id]
        return self.curriculum_of(self.school_by_id[klass.school].stage, klass.grade)

    @cached_property
    def post_of(self) -> dict[str, ItinerantPost]:
        """Itinerant teacher id -> their post (the first post listing them; validation flags a teacher in two)."""
        found: dict[str, ItinerantPost] = {}
        for post in sorted(self.itinerant_posts, key=lambda p: p.id):
            for teacher in post.teachers:
                found.setdefault(teacher, post)
        return found

    def post_schools(self, post: ItinerantPost) -> list[str]:
        """The schools a post may serve: its list, or every school within ``radius_minutes`` of the base."""
        if post.schools:
            listed = [s for s in post.schools if s in self.school_by_id]
            return sorted(set(listed) | ({post.base} if post.base in self.school_by_id else set()))
        radius = post.radius_minutes if post.radius_minutes is not None else 0
        return sorted(school.id for school in self.schools
                      if (minutes := self.travel_minutes(post.base, school.id)) is not None and minutes <= radius)

    def travel_minutes(self, school_a: str, school_b: str) -> int | None:
        a, b = self.school_by_id[school_a].place, self.school_by_id[school_b].place
        return self.travel.minutes(a, b)

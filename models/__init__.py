"""The domain model of tongbu, the bottom layer: what a consortium, its schools and its term are.

Plain pydantic v2 models, immutable, with no solver types in them (no ortools import here, tested). Scenario
folders are read and written by :mod:`models.files` and validated by :mod:`models.validation`
(``load_scenario``); the term calendar is :mod:`models.calendar` and :mod:`models.term`; who teaches what,
:mod:`models.assignment`. The other planners' inputs and results are domain data too (``activity_*``,
``rotation``, ``pacing*``, ``exchange_*``). The vocabulary every layer shares lives here: ``status.Status``,
``violation.Violation``, ``errors.TongbuError`` with its exit codes, bilingual ``messages``, and the one CSV and
XLSX writer (``cells``). Everything downstream (constraints, checks, writers, scheduler) reads these objects;
nothing here imports from above (docs/architecture.md).
"""

from models.base import Frozen
from models.enums import ConsortiumKind, DeliveryMode, Equipment, SchoolRole, SchoolTier, Stage, Weekday
from models.times import Slot, SlotRange
from models.bells import BellPeriod, BellSchedule, BellSeason
from models.calendar import MakeupDay, TermCalendar
from models.school import Consortium, Room, School, SchoolClass
from models.staff import Teacher, TeachingAssignment
from models.curriculum import CurriculumEntry, Subject
from models.travel import TravelEdge, TravelTimes
from models.alignment import ResearchBlock, SyncLesson
from models.later import ActivityRule, ExchangePolicy, ItinerantPost
from models.preferences import SoftWeights
from models.scenario import Scenario
from models.solution import LessonPlacement, PartReport, ResearchPlacement, Solution

__all__ = [
    "ActivityRule", "BellPeriod", "BellSchedule", "BellSeason", "Consortium", "ConsortiumKind",
    "CurriculumEntry", "DeliveryMode", "Equipment", "ExchangePolicy", "Frozen", "ItinerantPost", "LessonPlacement",
    "MakeupDay", "PartReport", "ResearchBlock", "ResearchPlacement", "Room", "Scenario", "School",
    "SchoolClass", "SchoolRole", "SchoolTier", "Slot", "SlotRange", "SoftWeights", "Solution", "Stage",
    "Subject", "SyncLesson", "Teacher", "TeachingAssignment", "TermCalendar", "TravelEdge",
    "TravelTimes", "Weekday",
]

"""The domain model of tongbu: what a consortium, its schools and its term are.

Plain pydantic v2 models, immutable, with no solver types in them. Files are read by
:mod:`models.loading`; everything downstream (scheduler, checks, writers) reads these objects.
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

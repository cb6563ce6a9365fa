"""The result of exchange planning: who goes where in which school year, and the figures against policy."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.exchange_inputs import Direction, ExchangeInputs


@dataclass(frozen=True)
class Placement:
    """One teacher placed at a host school from ``year`` for ``years`` school years (affiliation unchanged)."""

    teacher: str
    name: str
    home: str
    host: str
    year: int
    years: int
    direction: Direction
    backbone: bool
    covers: tuple[str, ...]
    reason_en: str
    reason_zh: str

    def away_in(self, year: int) -> bool:
        return self.year <= year < self.year + self.years


@dataclass(frozen=True)
class UnitSummary:
    """Rotation figures of one ratio unit (a school, consortium or the county) in one school year."""

    scope: str
    unit: str
    year: int
    eligible: int
    required: int
    rotated: int
    backbone: int
    backbone_required: int

    @property
    def met(self) -> bool:
        return self.rotated >= self.required and self.backbone >= self.backbone_required


@dataclass(frozen=True)
class SchoolSummary:
    """One school in one school year: eligible teachers, who leaves, who arrives."""

    year: int
    school: str
    consortium: str
    role: str
    teachers: int
    eligible: int
    rotated_out: int
    backbone_out: int
    away: int
    incoming: int


@dataclass(frozen=True)
class ExchangePlan:
    """A multi-year plan. ``status`` is optimal, feasible, ratios_impossible, infeasible or not_found.

    When the ratios cannot be met, ``explanation`` says why (English, Chinese) and ``placements``
    is the plan that comes closest (fewest missing rotations), still meeting every other rule
    (``proven``: the solver proved no plan misses fewer). ``infeasible``: no plan keeps the rules.
    ``not_found``: no plan was found within the effort or the clock, or the last one could not hand
    over every school's classes or cover the itinerant posts (``explanation`` says where); its
    placements are only for diagnosis and are never written.
    """

    inputs: ExchangeInputs = field(repr=False)
    years: tuple[int, ...]
    status: str
    placements: tuple[Placement, ...]
    units: tuple[UnitSummary, ...]
    schools: tuple[SchoolSummary, ...]
    explanation: tuple[tuple[str, str], ...] = ()
    objective: float | None = None
    bound: float | None = None
    runtime_seconds: float = 0.0
    #: Plans cut off because a school's classes could not be dealt out whole or posts not covered (planner).
    handover_cuts: int = 0
    proven: bool = True
    seed: int = 0
    #: the planning effort in deterministic units (scheduler.exchange.search)
    effort: float = 0.0
    #: the wall-clock limit cut a search short: the plan may differ from run to run
    stopped_by_time_limit: bool = False

    @property
    def ok(self) -> bool:
        return self.status in ("optimal", "feasible")

    def away_in(self, year: int) -> list[Placement]:
        return [p for p in self.placements if p.away_in(year)]

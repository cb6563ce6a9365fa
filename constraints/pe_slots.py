"""PE not in a day's first period, nor straight after lunch (quality.pe_not_first / pe_not_after_lunch).

A lesson of a PE subject (``QualityRules.pe``) whose class would have it in period 1, or in the first
period of the afternoon (under the base bells), breaks the rule: hard rules take those placements
away, a weight is paid for each one taken.
"""

from __future__ import annotations

from constraints.context import ModelContext, PenaltyTerm
from models.preferences import is_hard, weight_of


def after_lunch(morning: tuple[bool, ...]) -> int | None:
    """The first afternoon period (1-based) of a day whose periods' halves are ``morning``."""
    return next((p + 1 for p in range(1, len(morning)) if morning[p - 1] and not morning[p]), None)


def add_hard(ctx: ModelContext) -> None:
    _add(ctx, hard=True)


def add_soft(ctx: ModelContext) -> list[PenaltyTerm]:
    return _add(ctx, hard=False)


def _add(ctx: ModelContext, *, hard: bool) -> list[PenaltyTerm]:
    ix = ctx.index
    rules = ix.scenario.quality
    pe = rules.pe(ix.scenario.subjects)
    terms: list[PenaltyTerm] = []
    for strength, name, zh in ((rules.pe_not_first, "pe_not_first", "第一节"),
                               (rules.pe_not_after_lunch, "pe_not_after_lunch", "午饭后第一节")):
        if is_hard(strength) != hard or (not hard and weight_of(strength) == 0):
            continue
        bad = []
        for activity in ix.activities:
            if activity.subject not in pe:
                continue
            for option, var in ctx.options[activity.index]:
                if any(_breaks(ctx, name, placement.klass, placement.period, activity.length)
                       for placement in option.placements):
                    bad.append(var)
        if not bad:
            continue
        if is_hard(strength):
            literal = ctx.requirement(name, "", f"no PE in the {name.removeprefix('pe_not_').replace('_', ' ')} period",
                                      f"体育课不排在{zh}")
            for var in bad:
                ctx.enforce(ctx.model.Add(var == 0), literal)
        else:
            terms.append(PenaltyTerm(name, name, sum(bad), weight_of(strength)))
    return terms


def _breaks(ctx: ModelContext, rule: str, klass: int, period: int, length: int) -> bool:
    covered = range(period, period + length)
    if rule == "pe_not_first":
        return 1 in covered
    return after_lunch(ctx.index.bells_of_class(klass).morning[0]) in covered

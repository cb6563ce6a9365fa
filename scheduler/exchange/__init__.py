"""The exchange planner's room: 交流轮岗, multi-year teacher exchange rotation plans (issue 7). See docs/exchange.md.

Public API (no click): ``publish_plan`` (what ``tongbu plan-exchange`` runs: plan, check, publish only
what passes), ``plan_exchange``, ``write_plan``, ``check_plan``, ``load_exchange_inputs``,
``year_scenario``; ``ExchangeInputError`` for bad input; ``Search`` for effort, time limit and progress.
The exchange inputs are domain data (``models.exchange_inputs``, read by ``models.exchange_files``); the
independent plan check is ``constraints.checks.exchange`` (``check_plan`` here adds what ``tongbu solve``
does first, :mod:`.presolve`).
"""

from models.exchange_files import ExchangeInputError, load_exchange_inputs
from models.exchange_inputs import Direction, ExchangeInputs, ExchangeSettings, RatioScope
from scheduler.exchange.handover import year_scenario
from scheduler.exchange.plan import ExchangePlan, Placement
from scheduler.exchange.planner import plan_exchange, plan_from_inputs
from scheduler.exchange.presolve import check_plan
from scheduler.exchange.publish import EXIT_NOT_FOUND, PublishResult, publish_plan
from scheduler.exchange.search import DEFAULT_EFFORT, DEFAULT_TIME_LIMIT, Search
from scheduler.exchange.writers import write_plan

__all__ = ["check_plan", "year_scenario", "Direction", "ExchangeInputs", "ExchangeSettings",
           "RatioScope", "ExchangeInputError", "load_exchange_inputs", "ExchangePlan", "Placement", "plan_exchange",
           "plan_from_inputs", "EXIT_NOT_FOUND", "PublishResult", "publish_plan", "DEFAULT_EFFORT",
           "DEFAULT_TIME_LIMIT", "Search", "write_plan"]

"""交流轮岗: multi-year teacher exchange rotation plans (issue 7). See docs/exchange.md.

Public API (no click): ``publish_plan`` (what ``tongbu plan-exchange`` runs: plan, check, publish only
what passes), ``plan_exchange``, ``write_plan``, ``check_plan``, ``load_exchange_inputs``,
``year_scenario``; ``ExchangeInputError`` for bad input; ``Search`` for effort, time limit and progress.
"""

from scheduler.exchange.check import check_plan, plan_findings
from scheduler.exchange.handover import year_scenario
from scheduler.exchange.inputs import Direction, ExchangeInputs, ExchangeSettings, RatioScope
from scheduler.exchange.loader import ExchangeInputError, load_exchange_inputs
from scheduler.exchange.plan import ExchangePlan, Placement
from scheduler.exchange.planner import plan_exchange, plan_from_inputs
from scheduler.exchange.publish import EXIT_NOT_FOUND, PublishResult, publish_plan
from scheduler.exchange.search import DEFAULT_EFFORT, DEFAULT_TIME_LIMIT, Search
from scheduler.exchange.writers import write_plan

__all__ = ["check_plan", "plan_findings", "year_scenario", "Direction", "ExchangeInputs", "ExchangeSettings",
           "RatioScope", "ExchangeInputError", "load_exchange_inputs", "ExchangePlan", "Placement", "plan_exchange",
           "plan_from_inputs", "EXIT_NOT_FOUND", "PublishResult", "publish_plan", "DEFAULT_EFFORT",
           "DEFAULT_TIME_LIMIT", "Search", "write_plan"]

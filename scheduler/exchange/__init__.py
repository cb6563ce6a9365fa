"""交流轮岗: multi-year teacher exchange rotation plans (issue 7). See docs/exchange.md.

Public API (no click): ``plan_exchange``, ``write_plan``, ``check_plan``, ``load_exchange_inputs``,
``year_scenario``; ``ExchangeInputError`` for bad input.
"""

from scheduler.exchange.check import check_plan
from scheduler.exchange.handover import year_scenario
from scheduler.exchange.inputs import Direction, ExchangeInputs, ExchangeSettings, RatioScope
from scheduler.exchange.loader import ExchangeInputError, load_exchange_inputs
from scheduler.exchange.plan import ExchangePlan, Placement
from scheduler.exchange.planner import plan_exchange, plan_from_inputs
from scheduler.exchange.writers import write_plan

__all__ = ["check_plan", "year_scenario", "Direction", "ExchangeInputs", "ExchangeSettings", "RatioScope",
           "ExchangeInputError", "load_exchange_inputs", "ExchangePlan", "Placement", "plan_exchange",
           "plan_from_inputs", "write_plan"]

"""Differential run of the solver against ``tongbu verify`` on many generated consortia (nightly size).

The same properties as tests/test_differential.py, on seeded cases from bench/fuzz.py:

* planted consortia (a timetable exists by construction): the solver must publish one, and verify
  must accept it as read back from solution.json;
* perturbed consortia (one requirement tightened): a published timetable must verify, and "proven
  impossible" must come with an explanation and stay impossible with four times the effort.

Prints one line per disagreement and a summary: cases run, published, proven impossible, not found
in time, violations found (target 0), wall time per case (median).

    .venv/bin/python bench/bench_fuzz.py --cases 300 [--first-seed 0] [--effort 6]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fuzz import RandomChooser, perturbed_scenario, planted_scenario  # noqa: E402
from constraints.checks import load_solution, verify  # noqa: E402
from scheduler.timetable.solve import solve_scenario  # noqa: E402
from models.solution import solution_json


def _published(scenario, effort: float, seed: int, folder: Path):
    result = solve_scenario(scenario, time_limit=effort, seed=seed, workers=1)
    if result.solution is None:
        return result, None
    path = folder / "solution.json"
    path.write_text(solution_json(result.solution), encoding="utf-8")
    return result, load_solution(path)


def run_case(kind: str, seed: int, effort: float, folder: Path, tally: Counter) -> list[str]:
    """Problems found in one case (empty when solver and checker agree)."""
    if kind == "planted":
        planted = planted_scenario(RandomChooser(seed))
        scenario, label = planted.scenario, "planted"
        if verify(scenario, planted.solution):
            return [f"planted seed {seed}: the generator's own timetable does not verify"]
    else:
        scenario, label = perturbed_scenario(RandomChooser(seed))
    result, solution = _published(scenario, effort, 0, folder)
    if solution is not None:
        tally["published"] += 1
        violations = verify(scenario, solution)
        tally["violations"] += len(violations)
        return [f"{kind} seed {seed} ({label}): {v.rule}: {v.en}" for v in violations]
    if result.status != "infeasible":
        tally["not found in time"] += 1
        return [f"{kind} seed {seed} ({label}): no timetable found (status {result.status})"] if kind == "planted" else []
    tally["proven impossible"] += 1
    problems = []
    if kind == "planted":
        problems.append(f"planted seed {seed}: called impossible although a timetable exists")
    if not result.explanation:
        problems.append(f"{kind} seed {seed} ({label}): impossible without an explanation")
    again = solve_scenario(scenario, time_limit=4 * effort, seed=1, workers=1)
    if again.solution is not None:
        problems.append(f"{kind} seed {seed} ({label}): impossible at effort {effort}, solved at {4 * effort}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=300, help="cases of each kind")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--effort", type=float, default=6.0, help="deterministic seconds per part")
    args = parser.parse_args()
    tally: Counter = Counter()
    times: list[float] = []
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("planted", "perturbed"):
            for seed in range(args.first_seed, args.first_seed + args.cases):
                started = time.perf_counter()
                found = run_case(kind, seed, args.effort, Path(tmp), tally)
                times.append(time.perf_counter() - started)
                tally[kind] += 1
                for line in found:
                    print(line, flush=True)
                problems += found
    print(f"cases: {tally['planted']} planted + {tally['perturbed']} perturbed; published {tally['published']}, "
          f"proven impossible {tally['proven impossible']}, not found in time {tally['not found in time']}; "
          f"violations found {tally['violations']} (target 0); disagreements {len(problems)} (target 0); "
          f"median {statistics.median(times):.2f} s a case")


if __name__ == "__main__":
    main()

"""How far the FET-style construction (scheduler/timetable/construct.py) gets on imported FET files, chunk by chunk.

The first timetable of an imported file whose hard rules the construction checks comes from this construction
and CP-SAT completing what it left out (at most 3% of the activities). Printed per file and chunk of 50 calls an
activity: seconds, calls so far, activities placed and left out, and the room-hours where two placed activities
overlap that may each take only that one room (the construction does not hold rooms, so CP-SAT cannot complete
such a placement). Calls are deterministic (same file and seed, same figures); seconds depend on the machine.

    .venv/bin/tongbu import-fet FILE.fet --out DIR
    .venv/bin/python bench/bench_construct.py DIR [DIR ...] [--chunks 12] [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.validation import load_scenario  # noqa: E402
from scheduler.timetable.construct import CHECKED, Construction, Constructor  # noqa: E402
from constraints.fet_rooms import allowed_rooms  # noqa: E402
from constraints.index import Index  # noqa: E402
from constraints.index_fet import build_fet_index  # noqa: E402
from scheduler.timetable.part import CONSTRUCT_CHUNK  # noqa: E402


def single_room_clashes(index: Index, built: Construction) -> int:
    """Room-hours holding two or more placed activities that must each be in that room and no other."""
    only = {ident: rooms[0] for ident, (rooms, needed) in allowed_rooms(index.scenario.explicit).items()
            if needed and len(rooms) == 1}
    held: dict[tuple[str, int], int] = defaultdict(int)
    for activity in index.activities:
        n = built.choice[activity.index]
        if n is None:
            continue
        start = index.slot(*activity.options[n].start)
        for member in activity.members:
            if member in only:
                for slot in range(start, start + activity.length):
                    held[(only[member], slot)] += 1
    return sum(1 for count in held.values() if count > 1)


def progress(folder: Path, chunks: int, seed: int) -> None:
    index = build_fet_index(load_scenario(folder), explain=False)
    hard = sorted({rule.kind for rule in index.rules if rule.hard})
    unchecked = [kind for kind in hard if kind not in CHECKED]
    print(f"== {folder}: {len(index.activities)} activities; hard rules {', '.join(hard) or 'none'}"
          + (f"; not checked by the construction (it does not run): {', '.join(unchecked)}" if unchecked else ""))
    builder, started = Constructor(index, seed), time.perf_counter()
    for _chunk in range(chunks):
        built = builder.advance(CONSTRUCT_CHUNK * len(index.activities))
        print(f"   {time.perf_counter() - started:6.1f} s  calls {builder.calls:>9,}  placed {built.placed:>5}  "
              f"left out {len(built.left_out):>5}  single-room clashes {single_room_clashes(index, built):>4}", flush=True)
        if built.complete:
            break


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path, help="scenario folders written by tongbu import-fet")
    parser.add_argument("--chunks", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for folder in args.folders:
        progress(folder, args.chunks, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark of the subscription server, run the way a user runs it: ``tongbu serve OUT`` with its defaults.

    python bench/bench_server.py [--out OUT] [--runs 3] [--duration 10] [--connections 16]
                                 [--slow 1000] [--skip-slow] [--short-term]

Without ``--out`` a feeds folder is synthesised with the project's own feed writer: one consortium of
4 schools × 20 classes (25 lessons a week each) and 200 teachers (10 lessons a week each) over the
2026 autumn term (``--short-term``: its first 3 weeks, for small feeds, where http.server stalled
most). ``wrk`` (apt-get install wrk) fetches 200 teacher and class feeds over loopback:

1. keep-alive (wrk's default), 2. ``Connection: close`` and 3. keep-alive with ``If-None-Match`` (the
304 answers of a calendar polling), each ``--runs`` times: requests/s and p99;
4. ``--slow`` connections that drip header lines (one every 2 s, reconnecting when the server cuts
   them) while wrk measures normal clients: their p99, how many slow connections the server cut for
   missing the header deadline, and the server's RSS (main process and workers) before and during.

Medians of the runs are printed (the machine is shared; single runs are noisy). Targets, with
keep-alive and with ``Connection: close``: ≥ 2,000 requests/s and p99 ≤ 20 ms; p99 of normal requests
during the slow-client attack ≤ 100 ms.
Exit status 1 when a target is missed, 2 when wrk or the input is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from feeds.tokens import ensure_tokens, read_manifest  # noqa: E402

RPS_TARGET = 2000.0
P99_TARGET_MS = 20.0
P99_ATTACK_TARGET_MS = 100.0
FEEDS_MEASURED = 200

WRK_SCRIPT = """
local paths = {%s}
local etags = {%s}
local revalidate = os.getenv("BENCH_REVALIDATE") == "1"
local i = 0
request = function()
  i = i + 1
  local n = (i %% #paths) + 1
  if revalidate then
    return wrk.format("GET", paths[n], {["If-None-Match"] = etags[n]})
  end
  return wrk.format("GET", paths[n])
end
"""


def synthetic_out(out: Path, schools: int = 4, classes: int = 20, end: date = date(2027, 1, 22)) -> None:
    """A published OUT written by ``feeds.write_feeds`` for a made-up consortium (no solve needed).

    The term runs from 2026-09-01 to ``end``: a whole term by default, a shorter one for smaller feeds.
    """
    from feeds import write_feeds
    from models import (
        BellPeriod,
        BellSchedule,
        Consortium,
        CurriculumEntry,
        LessonPlacement,
        MakeupDay,
        Scenario,
        School,
        SchoolClass,
        Solution,
        Subject,
        Teacher,
        TermCalendar,
        Weekday,
    )

    subjects = ["语文", "数学", "英语", "科学", "音乐"]
    times = [("08:00", "08:40"), ("08:50", "09:30"), ("10:00", "10:40"), ("14:30", "15:10"), ("15:20", "16:00")]
    days = [Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI]
    school_rows, class_rows, teacher_rows, lessons = [], [], [], []
    for s in range(1, schools + 1):
        school = f"S{s}"
        school_rows.append(School(id=school, name=f"测试第{s}小学", consortium="C1", role="lead" if s == 1 else "member",
                                  tier="township", stage="primary", grades=(4,), bell_schedule="B1",
                                  address=f"测试县第{s}街道", latitude=29.0 + s / 100, longitude=108.0))
        for c in range(1, classes + 1):
            class_rows.append(SchoolClass(id=f"{school}-4-{c}", school=school, grade=4, section=c))
        # Each subject's teacher takes two neighbouring classes; subject k is taught in period k every day.
        for k, subject in enumerate(subjects):
            for pair in range(classes // 2):
                teacher = f"{school}-T{k}-{pair}"
                teacher_rows.append(Teacher(id=teacher, name=f"{subject}老师{s}{k}{pair:02d}", school=school,
                                            subjects=(subject,)))
                for c in (2 * pair + 1, 2 * pair + 2):
                    for d, day in enumerate(days):
                        # Shift the two classes so the teacher never has both at once.
                        period = (k + d + (c % 2) * 2) % 5 + 1
                        lessons.append(LessonPlacement(key=f"{school}-4-{c}|{subject}|{d + 1}", class_id=f"{school}-4-{c}",
                                                       school=school, subject=subject, teacher=teacher, day=day,
                                                       period=period))
    scenario = Scenario(
        district="测试县", consortia=(Consortium(id="C1", name="测试第一教共体"),),
        term=TermCalendar(
            name="2026年秋季学期", start=date(2026, 9, 1), end=end,
            holidays=tuple(d for d in (date(2027, 1, 1),) if d <= end),
            makeup_days=tuple(m for m in (MakeupDay(date=date(2026, 9, 20), follows=Weekday.FRI),
                                          MakeupDay(date=date(2026, 10, 10), follows=Weekday.WED)) if m.date <= end)),
        schools=tuple(school_rows), bell_schedules=(BellSchedule(id="B1", periods=tuple(
            BellPeriod(start=a, end=b) for a, b in times)),),
        subjects=tuple(Subject(id=x, name=x) for x in subjects),
        curriculum=tuple(CurriculumEntry(stage="primary", grade=4, subject=x, periods=5) for x in subjects),
        classes=tuple(class_rows), teachers=tuple(teacher_rows))
    write_feeds(scenario, Solution(district="测试县", seed=1, lessons=tuple(lessons)), out)


def describe(out: Path, chosen: list[dict]) -> str:
    feeds = read_manifest(out)["feeds"]
    sizes = sorted(f["bytes"] for f in chosen)
    events = sorted(f["events"] for f in chosen)
    return (f"OUT {out}: {len(feeds)} feeds, {sum(f['bytes'] for f in feeds) / 1e6:.1f} MB; measured "
            f"{len(chosen)} teacher/class feeds of {sizes[0] / 1024:.0f}–{sizes[-1] / 1024:.0f} KB "
            f"(median {statistics.median(sizes) / 1024:.0f} KB, {events[0]}–{events[-1]} events)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``tongbu serve OUT --port P`` (all else default) as a child process."""

    def __init__(self, out: Path) -> None:
        self.port = free_port()
        tongbu = Path(sys.executable).with_name("tongbu")
        command = [str(tongbu)] if tongbu.exists() else [sys.executable, "-c", "import sys, cli; sys.exit(cli.main())"]
        self.proc = subprocess.Popen([*command, "serve", str(out), "--port", str(self.port)], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()  # printed once the server accepts connections
        if not line.startswith("tongbu serve:"):
            raise RuntimeError(f"tongbu serve did not start: {line}{self.proc.stdout.read()}")
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()  # keep the pipe drained
        self.url = f"http://127.0.0.1:{self.port}"

    def rss_mb(self) -> float:
        import psutil

        main = psutil.Process(self.proc.pid)
        return sum(p.memory_info().rss for p in [main, *main.children(recursive=True)]) / 2**20

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def parse_wrk(text: str) -> tuple[float, float, int]:
    """(requests per second, p99 latency in ms, socket errors) from ``wrk --latency`` output."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    tail = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", text)
    if rate is None or tail is None:
        raise RuntimeError(f"unexpected wrk output:\n{text}")
    rps = float(rate.group(1))
    value, unit = tail.groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
    return rps, p99, errors


def run_wrk(url: str, script: Path, duration: int, connections: int, close: bool,
            revalidate: bool = False) -> tuple[float, float, int]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script)]
    if close:
        command += ["-H", "Connection: close"]
    env = {**os.environ, "BENCH_REVALIDATE": "1" if revalidate else "0"}
    done = subprocess.run(command + [url + "/"], capture_output=True, text=True, timeout=duration + 60,
                          check=False, env=env)
    # wrk reports 4xx/5xx answers as "Non-2xx or 3xx" but not a 304: tell 304s by the bytes read, a few
    # hundred per answer against the feeds' tens of KB.
    read = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB) read", done.stdout)
    if done.returncode != 0 or "Non-2xx" in done.stdout or read is None:
        raise RuntimeError(done.stdout + done.stderr)
    per_answer = float(read.group(2)) * {"B": 1, "KB": 2**10, "MB": 2**20, "GB": 2**30}[read.group(3)] / int(read.group(1))
    if (per_answer < 2048) != revalidate:
        raise RuntimeError(f"{per_answer:.0f} bytes per answer: not what was asked for\n{done.stdout}")
    return parse_wrk(done.stdout)


class SlowClients:
    """``count`` connections that send a request line and then one header line every ``interval`` seconds.

    A connection the server closes is counted and opened again, so ``count`` stay open all along.
    """

    def __init__(self, port: int, count: int, interval: float = 2.0) -> None:
        self.port, self.count, self.interval = port, count, interval
        self.cut = 0  # connections the server closed
        self.open = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _one(self) -> None:
        while not self.stop.is_set():
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                await asyncio.sleep(0.5)
                continue
            self.open += 1
            try:
                writer.write(b"GET /f/slow.ics HTTP/1.1\r\nHost: bench\r\n")
                n = 0
                while not self.stop.is_set():
                    await writer.drain()
                    try:
                        data = await asyncio.wait_for(reader.read(1), timeout=self.interval)
                    except TimeoutError:
                        n += 1
                        writer.write(f"X-Slow-{n}: drip\r\n".encode())
                        continue
                    if not data:
                        self.cut += 1
                        break
            except (ConnectionError, OSError):
                self.cut += 1
            finally:
                self.open -= 1
                writer.close()

    async def _main(self) -> None:
        tasks = []
        for _ in range(self.count):
            tasks.append(asyncio.create_task(self._one()))
            await asyncio.sleep(0.002)  # ramp up over ~2 s
        await asyncio.gather(*tasks, return_exceptions=True)

    def __enter__(self) -> Self:
        self.thread.start()
        deadline = time.monotonic() + 30
        while self.open < self.count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=self.interval + 5)


def prepare(out: Path, folder: Path) -> tuple[list[dict], dict, Path]:
    """The feeds measured (up to 200 teacher and class feeds), their tokens, and wrk's script of their URLs.

    With BENCH_REVALIDATE=1 in its environment the script sends each feed's ETag (``If-None-Match``),
    as a subscribed calendar does when it polls: the answers are 304 without a body.
    """
    tokens = ensure_tokens(out)
    feeds = sorted(read_manifest(out)["feeds"], key=lambda f: f["id"])
    chosen = [f for f in feeds if f["kind"] in ("teacher", "class") and tokens.get(f["id"])][:FEEDS_MEASURED]
    script = folder / "paths.lua"
    paths = ", ".join(f'"/f/{tokens[f["id"]]}.ics"' for f in chosen)
    etags = ", ".join(f"'\"{f['sha256'][:32]}\"'" for f in chosen)  # the server's ETag: the SHA-256's first half
    script.write_text(WRK_SCRIPT % (paths, etags), encoding="utf-8")
    return chosen, tokens, script


def server_figures(out: Path, runs: int = 3, duration: int = 10, connections: int = 16, slow: int = 0) -> dict:
    """Start ``tongbu serve OUT``, run wrk (and the slow clients when ``slow``), print and return the figures."""
    with tempfile.TemporaryDirectory() as folder:
        chosen, tokens, script = prepare(out, Path(folder))
        print(describe(out, chosen))
        return measure(out, chosen, tokens, script, runs, duration, connections, slow)


def measure(out: Path, chosen: list[dict], tokens: dict, script: Path, runs: int, duration: int, connections: int,
            slow: int) -> dict:
    import httpx

    server = Server(out)
    try:
        with httpx.Client(base_url=server.url) as client:  # the server reads and verifies each feed once
            for feed in chosen:
                client.get(f"/f/{tokens[feed['id']]}.ics").raise_for_status()
        results: dict[str, float] = {}
        for label, close, revalidate in (("keepalive", False, False), ("close", True, False),
                                         ("revalidate", False, True)):
            measured = [run_wrk(server.url, script, duration, connections, close, revalidate) for _ in range(runs)]
            rps, p99 = statistics.median(r[0] for r in measured), statistics.median(r[1] for r in measured)
            print(f"{label:10}: {rps:6.0f} requests/s, p99 {p99:5.1f} ms (median of {runs}; runs "
                  + ", ".join(f"{r[0]:.0f}/s {r[1]:.1f} ms" for r in measured)
                  + f"); wrk -t2 -c{connections} -d{duration}s" + (" -H 'Connection: close'" if close else "")
                  + (" with If-None-Match (all 304)" if revalidate else ""))
            results[f"{label}_rps"], results[f"{label}_p99_ms"] = round(rps), round(p99, 1)
        print(f"server RSS after warm-up and load: {server.rss_mb():.0f} MB (main process and workers)")
        if slow:
            attack = []
            for _ in range(runs):
                with SlowClients(server.port, slow) as clients:
                    held = clients.open
                    rps, p99, _errors = run_wrk(server.url, script, duration, connections, False)
                    rss = server.rss_mb()
                    attack.append((rps, p99, held, clients.cut, rss))
            p99 = statistics.median(a[1] for a in attack)
            print(f"attack    : {slow} slow connections (a header line every 2 s) while wrk -c{connections} runs: "
                  f"normal p99 {p99:.1f} ms, {statistics.median(a[0] for a in attack):.0f} requests/s (medians of "
                  f"{runs}; p99 runs " + ", ".join(f"{a[1]:.1f}" for a in attack)
                  + "); slow connections open at start " + ", ".join(str(a[2]) for a in attack)
                  + ", cut by the header deadline during the run " + ", ".join(str(a[3]) for a in attack)
                  + "; server RSS during the attack " + ", ".join(f"{a[4]:.0f}" for a in attack) + " MB")
            results["attack_p99_ms"] = round(p99, 1)
            results["attack_rss_mb"] = round(max(a[4] for a in attack))
        results["rss_mb"] = round(server.rss_mb())
        return results
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=None, help="a published OUT (default: a synthetic one)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--slow", type=int, default=1000, help="slow (dripping) connections during the attack run")
    parser.add_argument("--skip-slow", action="store_true")
    parser.add_argument("--short-term", action="store_true",
                        help="synthesise a 3-week term: feeds of 15-36 KB instead of 88-220 KB")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk): server benchmark not run", file=sys.stderr)
        return 2
    slow = 0 if args.skip_slow else args.slow
    with tempfile.TemporaryDirectory() as folder:
        out = args.out
        if out is None:
            out = Path(folder) / "OUT"
            synthetic_out(out, end=date(2026, 9, 21) if args.short_term else date(2027, 1, 22))
        elif not (out / "feeds" / "manifest.json").is_file():
            print(f"{out} has no feeds/manifest.json", file=sys.stderr)
            return 2
        results = server_figures(out, args.runs, args.duration, args.connections, slow)
    print(json.dumps(results))
    met = all(results[f"{label}_rps"] >= RPS_TARGET and results[f"{label}_p99_ms"] <= P99_TARGET_MS
              for label in ("keepalive", "close")) and (not slow or results["attack_p99_ms"] <= P99_ATTACK_TARGET_MS)
    print(f"targets met: {met}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

"""Our assistant against Rasa's default bot, side by side, on this machine.

    .venv/bin/python -m bench.perf            # full run (about 25 minutes)
    .venv/bin/python -m bench.perf --quick    # short windows, no training (about 5 minutes)

Measures per bot: start-up (launch to first answered message), resident memory of the
server process trees, REST turn latency (p50/p95/p99) and throughput with 1, 8 and 32
conversations at once, CPU time per turn, errors, training time (cold and with the cache)
and model size. Both bots run at once; each load level is rounds of one window per bot,
taken in turns. Prints a table with our/default ratios (and each round's throughput ratio)
and writes bench/results/<time>.json and .png.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from bench import load, plot
from bench.bots import ROOT, Bot, DefaultBot, Ours, Running, measure_training, progress

RESULTS = ROOT / "bench" / "results"
LEVELS = (1, 8, 32)
ROUNDS = 4
RSS_SAMPLE_EVERY_S = 1.0


def machine() -> dict:
    return {
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
    }


def git_revision() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True,
                              text=True).stdout.strip()
    return git("rev-parse", "--short", "HEAD") + (" (modified)" if git("status", "--porcelain",
                                                                      "--untracked-files=no")
                                                  else "")


def sample_rss(running: Running, stop: threading.Event) -> None:
    while not stop.wait(RSS_SAMPLE_EVERY_S):
        running.rss_samples_mb.append(running.rss_mb())


def start(bot: Bot) -> tuple[Running, dict]:
    model = bot.prepare()
    with progress(f"{bot.name}: start-up to first answer"):
        running = bot.start(model)
    return running, {"model": model.name, "model_mb": round(model.stat().st_size / 2**20, 2),
                     "startup_s": round(running.startup_s, 2),
                     "rss_idle_mb": running.rss_mb(), "levels": {}}


@dataclass
class Rounds:
    """One bot's windows at one load level, and the CPU time they took."""

    level: load.Level
    turns_per_s: list[float] = field(default_factory=list)
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0

    def summary(self) -> dict:
        summary = self.level.summary()
        summary["turns_per_s_rounds"] = self.turns_per_s
        summary.update(cpu_ms_per_turn(summary["turns"], self.server_cpu_s, self.client_cpu_s))
        return summary


def one_window(bot: Bot, running: Running, concurrency: int, window_s: float, label: str,
               rounds: Rounds) -> None:
    conversation = load.intake if isinstance(bot, Ours) else load.default_flow
    server_cpu_s, client_cpu_s = running.cpu_s(), time.process_time()
    with progress(f"{label}, {window_s:.0f} s"):
        level = asyncio.run(load.run_level(running.rest_url, conversation, concurrency,
                                           window_s, label))
    rounds.server_cpu_s += running.cpu_s() - server_cpu_s
    rounds.client_cpu_s += time.process_time() - client_cpu_s
    rounds.turns_per_s.append(level.summary()["turns_per_s"])
    rounds.level.add(level)


def measure_serving(bots: list[Bot], args: argparse.Namespace) -> dict:
    """Starts every bot, then gives them the load levels in turns: each level is several
    rounds of one window per bot, in alternating order, so that a change in the machine's
    speed during the run reaches both bots alike (the others wait, idle, meanwhile)."""
    results: dict[str, dict] = {}
    running: dict[str, Running] = {}
    stop = threading.Event()
    try:
        for bot in bots:
            running[bot.name], results[bot.name] = start(bot)
            threading.Thread(target=sample_rss, args=(running[bot.name], stop),
                             daemon=True).start()
        for concurrency in args.levels:
            rounds = {bot.name: Rounds(load.Level(concurrency, 0.0)) for bot in bots}
            for round_number in range(args.rounds):
                for bot in bots if round_number % 2 == 0 else bots[::-1]:
                    label = (f"{bot.name}: {concurrency} at once, "
                             f"round {round_number + 1}/{args.rounds}")
                    one_window(bot, running[bot.name], concurrency, args.window, label,
                               rounds[bot.name])
            for name, measured in rounds.items():
                results[name]["levels"][str(concurrency)] = measured.summary()
    finally:
        stop.set()
        for each in running.values():
            each.stop()
    for name, result in results.items():
        result["rss_peak_mb"] = max(running[name].rss_samples_mb,
                                    default=result["rss_idle_mb"])
    return results


def cpu_ms_per_turn(turns: int, server_s: float, client_s: float) -> dict:
    """CPU time per turn of the bot's servers and of this load client: unlike turns per
    second, it barely depends on how many cores the machine gives the run."""
    if not turns:
        return {"server_cpu_ms_per_turn": None, "client_cpu_ms_per_turn": None}
    return {"server_cpu_ms_per_turn": round(1000 * server_s / turns, 1),
            "client_cpu_ms_per_turn": round(1000 * client_s / turns, 1)}


def run(args: argparse.Namespace) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    bots: list[Bot] = [bot(workdir) for bot in (Ours, DefaultBot) if bot.name in args.bots]
    report = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "revision": git_revision(), "note": args.note, "quick": args.quick,
              "window_s": args.window, "rounds": args.rounds,
              "machine_before": machine(), "bots": {}}
    try:
        report["bots"] = measure_serving(bots, args)
        if args.training:
            for bot in bots:
                try:
                    report["bots"][bot.name].update(measure_training(bot, workdir))
                except RuntimeError as failure:  # keep the serving figures
                    print(f"  {bot.name}: training failed: {failure}", flush=True)
                    report["bots"][bot.name]["training_error"] = str(failure)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report["machine_after"] = machine()
    return report


ROWS = [
    ("start-up to first answer (s)", lambda b: b.get("startup_s")),
    ("resident memory idle (MB)", lambda b: b.get("rss_idle_mb")),
    ("resident memory peak (MB)", lambda b: b.get("rss_peak_mb")),
    ("training cold (s)", lambda b: b.get("training_cold_s")),
    ("training with cache (s)", lambda b: b.get("training_warm_s")),
    ("model size (MB)", lambda b: b.get("model_mb")),
]
LEVEL_ROWS = [("p50 (ms)", "p50_ms"), ("p95 (ms)", "p95_ms"), ("p99 (ms)", "p99_ms"),
              ("turns/s", "turns_per_s"), ("server CPU ms/turn", "server_cpu_ms_per_turn"),
              ("errors", "errors"), ("turns", "turns")]


def table_rows(report: dict) -> list[tuple[str, object, object]]:
    ours, default = (report["bots"].get(name, {"levels": {}}) for name in ("ours", "default"))
    rows = [(name, get(ours), get(default)) for name, get in ROWS]
    for concurrency in ours["levels"] or default["levels"]:
        for name, key in LEVEL_ROWS:
            rows.append((f"{concurrency} at once: {name}",
                         *(bot["levels"].get(concurrency, {}).get(key) for bot in (ours, default))))
    return rows


def table(report: dict) -> str:
    lines = [f"| {'measure':34} | {'ours':>9} | {'default':>9} | {'ours/default':>12} |",
             f"|{'-' * 36}|{'-' * 11}|{'-' * 11}|{'-' * 14}|"]
    for name, ours, default in table_rows(report):
        ratio = f"{ours / default:.2f}" if ours is not None and default else "-"
        lines.append(f"| {name:34} | {show(ours):>9} | {show(default):>9} | {ratio:>12} |")
    return "\n".join(lines + round_ratios(report))


def round_ratios(report: dict) -> list[str]:
    """Turns/s ours/default of each round, the rounds being windows back to back."""
    if not {"ours", "default"} <= set(report["bots"]):
        return []
    ours, default = report["bots"]["ours"]["levels"], report["bots"]["default"]["levels"]
    lines = []
    for concurrency in ours:
        ratios = [a / b for a, b in zip(ours[concurrency]["turns_per_s_rounds"],
                                        default[concurrency]["turns_per_s_rounds"],
                                        strict=True) if b]
        if ratios:
            lines.append(f"{concurrency} at once, turns/s ours/default per round: "
                         f"{', '.join(f'{r:.2f}' for r in ratios)} "
                         f"(median {statistics.median(ratios):.2f})")
    return lines


def show(value: object) -> str:
    return "-" if value is None else str(value)


def save(report: dict) -> tuple[Path, Path]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / report["started"].replace(":", "").replace("+0000", "Z")
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    plot.draw(report, stem.with_suffix(".png"))
    return stem.with_suffix(".json"), stem.with_suffix(".png")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="5 s windows and no training measurement")
    parser.add_argument("--window", type=float,
                        help="seconds of load per bot and round (default 15)")
    parser.add_argument("--rounds", type=int, default=ROUNDS,
                        help=f"windows per bot and level, taken in turns (default {ROUNDS})")
    parser.add_argument("--levels", type=lambda s: tuple(int(n) for n in s.split(",")),
                        default=LEVELS, help="conversations at once, e.g. 1,8,32")
    parser.add_argument("--no-training", dest="training", action="store_false",
                        help="skip the training measurement")
    parser.add_argument("--bots", type=lambda s: s.split(","), default=["ours", "default"],
                        help="measure only these, e.g. ours (after a change on our side)")
    parser.add_argument("--note", default="", help="what this run tries, kept in the JSON")
    args = parser.parse_args()
    args.window = args.window or (5.0 if args.quick else 15.0)
    args.training = args.training and not args.quick
    return args


def main() -> int:
    args = parse_args()
    print(f"bench: {machine()}; {args.rounds} rounds of {args.window:.0f} s per bot and level",
          flush=True)
    started = time.monotonic()
    report = run(args)
    report["duration_s"] = round(time.monotonic() - started)
    json_path, png_path = save(report)
    print(table(report))
    print(f"machine before {report['machine_before']}, after {report['machine_after']}")
    print(f"written: {json_path.relative_to(ROOT)}, {png_path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Our assistant against Rasa's default bot, side by side, on this machine.

    .venv/bin/python -m bench.perf            # full run (about 25 minutes)
    .venv/bin/python -m bench.perf --quick    # short windows, no training (about 5 minutes)

Measures per bot: start-up (launch to first answered message), resident memory of the
server process trees, REST turn latency (p50/p95/p99) and throughput with 1, 8 and 32
conversations at once, errors, training time (cold and with the cache) and model size.
Prints a table with our/default ratios and writes bench/results/<time>.json and .png.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from bench import load, plot
from bench.bots import ROOT, Bot, DefaultBot, Ours, Running, measure_training, progress

RESULTS = ROOT / "bench" / "results"
LEVELS = (1, 8, 32)
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


def measure_serving(bot: Bot, levels: tuple[int, ...], window_s: float) -> dict:
    model = bot.prepare()
    with progress(f"{bot.name}: start-up to first answer"):
        running = bot.start(model)
    result = {"model": model.name, "model_mb": round(model.stat().st_size / 2**20, 2),
              "startup_s": round(running.startup_s, 2), "rss_idle_mb": running.rss_mb()}
    conversation = load.intake if isinstance(bot, Ours) else load.default_flow
    stop = threading.Event()
    threading.Thread(target=sample_rss, args=(running, stop), daemon=True).start()
    try:
        result["levels"] = {}
        for concurrency in levels:
            label = f"{bot.name}: {concurrency} at once"
            with progress(f"{label}, {window_s:.0f} s"):
                level = asyncio.run(load.run_level(running.rest_url, conversation,
                                                   concurrency, window_s, label))
            result["levels"][str(concurrency)] = level.summary()
    finally:
        stop.set()
        running.stop()
    result["rss_peak_mb"] = max(running.rss_samples_mb, default=result["rss_idle_mb"])
    return result


def run(args: argparse.Namespace) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    bots: list[Bot] = [bot(workdir) for bot in (Ours, DefaultBot) if bot.name in args.bots]
    report = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "revision": git_revision(), "note": args.note, "quick": args.quick,
              "window_s": args.window,
              "machine_before": machine(), "bots": {}}
    try:
        for bot in bots:
            print(f"{bot.name}:", flush=True)
            report["bots"][bot.name] = measure_serving(bot, args.levels, args.window)
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
              ("turns/s", "turns_per_s"), ("errors", "errors"), ("turns", "turns")]


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
    return "\n".join(lines)


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
                        help="10 s per load level and no training measurement")
    parser.add_argument("--window", type=float, help="seconds of load per level (default 60)")
    parser.add_argument("--levels", type=lambda s: tuple(int(n) for n in s.split(",")),
                        default=LEVELS, help="conversations at once, e.g. 1,8,32")
    parser.add_argument("--no-training", dest="training", action="store_false",
                        help="skip the training measurement")
    parser.add_argument("--bots", type=lambda s: s.split(","), default=["ours", "default"],
                        help="measure only these, e.g. ours (after a change on our side)")
    parser.add_argument("--note", default="", help="what this run tries, kept in the JSON")
    args = parser.parse_args()
    args.window = args.window or (10.0 if args.quick else 60.0)
    args.training = args.training and not args.quick
    return args


def main() -> int:
    args = parse_args()
    print(f"bench: {machine()}; {args.window:.0f} s per level", flush=True)
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

"""A small PNG of one run: turn latency percentiles and throughput per load level."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI
import matplotlib.pyplot as plt

COLOURS = {"ours": "#1f6f8b", "default": "#c0c0c0"}


def draw(report: dict, path: Path) -> None:
    bots = report["bots"]
    levels = list(next(iter(bots.values()))["levels"])
    figure, (latency, throughput) = plt.subplots(1, 2, figsize=(9, 3.6))
    width = 0.4
    for offset, (name, bot) in zip((-width / 2, width / 2), bots.items(), strict=False):
        for i, level in enumerate(levels):
            stats = bot["levels"][level]
            x = i + offset
            latency.bar(x, stats["p95_ms"] or 0, width, color=COLOURS[name],
                        label=name if i == 0 else None)
            latency.plot([x, x], [stats["p50_ms"] or 0, stats["p99_ms"] or 0], color="black",
                         linewidth=1)
            throughput.bar(x, stats["turns_per_s"], width, color=COLOURS[name])
    for axis, title in ((latency, "turn latency: p95 bar, p50 to p99 line (ms)"),
                        (throughput, "throughput (turns/s)")):
        axis.set_xticks(range(len(levels)), [f"{n} at once" for n in levels])
        axis.set_title(title, fontsize=9)
    latency.set_yscale("log")
    latency.legend(fontsize=8)
    load = report["machine_before"]["loadavg"][0]
    figure.suptitle(f"{report['started']}  rev {report['revision']}  load {load}", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)

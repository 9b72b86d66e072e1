"""Score the extractor on labelled sets.

    python -m clinical_nlu.evaluate tests/clinical_nlu/dev.yml tests/clinical_nlu/heldout.yml


Reports finding precision/recall/F1 (micro and per id; a finding counts by id, context aside),
context accuracy over the findings found, body parts, onset roles, temperatures, per writing
style, and the per-message latency. `score()` takes any `text -> entities` function, so
bench/nlu_context/ runs the same numbers over other context detectors.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

Predict = Callable[[str], list[dict[str, Any]]]


def load_set(path: str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)["utterances"]


def gold_findings(item: dict[str, Any]) -> list[tuple[str, str]]:
    return [tuple(f.split("/")) for f in item.get("findings", [])]


def predicted(entities: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "findings": [(e["value"], e["role"]) for e in entities if e["entity"] == "finding"],
        "body_parts": {e["value"] for e in entities if e["entity"] == "body_part"},
        "onsets": Counter(e["role"] for e in entities if e["entity"] == "onset"),
        "temperature": Counter(
            round(e["value"], 1) for e in entities if e["entity"] == "temperature"
        ),
    }


class _Tally:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, gold: Counter, pred: Counter) -> None:
        hit = sum((gold & pred).values())
        self.tp += hit
        self.fp += sum(pred.values()) - hit
        self.fn += sum(gold.values()) - hit

    def prf(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "support": self.tp + self.fn,
        }


def score(items: Iterable[dict[str, Any]], predict: Predict) -> dict[str, Any]:
    findings, body, onsets, temps = _Tally(), _Tally(), _Tally(), _Tally()
    per_id: dict[str, _Tally] = defaultdict(_Tally)
    per_style: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])  # tp fp fn ctx_ok ctx_n
    ctx_ok = ctx_n = 0
    per_context: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    errors, latencies = [], []
    for item in items:
        started = time.perf_counter()
        entities = predict(item["text"])
        latencies.append(time.perf_counter() - started)
        got = predicted(entities)
        gold = gold_findings(item)
        gold_ids, pred_ids = Counter(f for f, _ in gold), Counter(f for f, _ in got["findings"])
        findings.add(gold_ids, pred_ids)
        for fid in set(gold_ids) | set(pred_ids):
            per_id[fid].add(Counter({fid: gold_ids[fid]}), Counter({fid: pred_ids[fid]}))
        ok = n = 0
        for fid in set(gold_ids) & set(pred_ids):
            g = Counter(c for f, c in gold if f == fid)
            p = Counter(c for f, c in got["findings"] if f == fid)
            n += min(gold_ids[fid], pred_ids[fid])
            ok += sum((g & p).values())
            if gold_ids[fid] == pred_ids[fid]:  # unambiguous pairing: per-context accuracy
                for context, count in g.items():
                    per_context[context][0] += min(count, p[context])
                    per_context[context][1] += count
        ctx_ok, ctx_n = ctx_ok + ok, ctx_n + n
        style = per_style[item.get("style", "plain")]
        hit = sum((gold_ids & pred_ids).values())
        for i, v in enumerate(
            (hit, sum(pred_ids.values()) - hit, sum(gold_ids.values()) - hit, ok, n)
        ):
            style[i] += v
        body.add(Counter(set(item.get("body_parts", []))), Counter(got["body_parts"]))
        onsets.add(Counter(item.get("onsets", [])), got["onsets"])
        temps.add(Counter(round(t, 1) for t in item.get("temperature", [])), got["temperature"])
        if gold_ids != pred_ids or ok != n:
            errors.append(
                {"text": item["text"], "gold": sorted(gold), "predicted": sorted(got["findings"])}
            )
    return {
        "utterances": len(latencies),
        "findings": findings.prf(),
        "context_accuracy": round(ctx_ok / ctx_n, 4) if ctx_n else 1.0,
        "context_support": ctx_n,
        "per_context": {
            c: {"accuracy": round(a / b, 4), "support": b}
            for c, (a, b) in sorted(per_context.items())
        },
        "per_finding": {fid: t.prf() for fid, t in sorted(per_id.items())},
        "per_style": {s: _style_row(v) for s, v in sorted(per_style.items())},
        "body_parts": body.prf(),
        "onsets": onsets.prf(),
        "temperature": temps.prf(),
        "latency_ms": _latency(latencies),
        "errors": errors,
    }


def _style_row(v: list[int]) -> dict[str, Any]:
    tally = _Tally()
    tally.tp, tally.fp, tally.fn = v[0], v[1], v[2]
    return {
        "finding_f1": tally.prf()["f1"],
        "context_accuracy": round(v[3] / v[4], 4) if v[4] else 1.0,
    }


def _latency(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {
        "mean": round(statistics.fmean(ms), 3),
        "p50": round(ms[len(ms) // 2], 3),
        "p95": round(ms[int(len(ms) * 0.95)], 3),
        "max": round(ms[-1], 3),
    }


def _prf(m: dict[str, Any]) -> str:
    return (
        f"P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  (support {m['support']})"
    )


def report(name: str, result: dict[str, Any]) -> str:
    lat = result["latency_ms"]
    accuracy, support = result["context_accuracy"], result["context_support"]
    lines = [
        f"== {name}: {result['utterances']} utterances",
        f"findings   {_prf(result['findings'])}",
        f"context    accuracy {accuracy:.3f} over {support} findings found",
        "           "
        + "  ".join(
            f"{c} {v['accuracy']:.2f} ({v['support']})" for c, v in result["per_context"].items()
        ),
    ]
    for key in ("body_parts", "onsets", "temperature"):
        lines.append(f"{key:<10} {_prf(result[key])}")
    lines.append(
        f"latency    mean {lat['mean']:.2f} ms  p50 {lat['p50']:.2f}"
        f"  p95 {lat['p95']:.2f}  max {lat['max']:.2f}"
    )
    lines.append(
        "per style  "
        + "  ".join(
            f"{s} F1 {v['finding_f1']:.2f}/ctx {v['context_accuracy']:.2f}"
            for s, v in result["per_style"].items()
        )
    )
    weak = {fid: m for fid, m in result["per_finding"].items() if m["f1"] < 1.0}
    lines.append(
        "per id < 1 "
        + "  ".join(f"{fid} {m['f1']:.2f} ({m['support']})" for fid, m in weak.items())
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "sets", nargs="+", help="labelled YAML files (tests/clinical_nlu/dev.yml ...)"
    )
    parser.add_argument("--errors", action="store_true", help="list the utterances with a mistake")
    parser.add_argument("--json", help="also write the full results to this file")
    args = parser.parse_args(argv)

    from clinical_nlu.pipeline import extract_findings, shared

    shared()  # build once, outside the timings
    results = {}
    for path in args.sets:
        result = results[Path(path).stem] = score(load_set(path), extract_findings)
        print(report(Path(path).stem, result))
        if args.errors:
            for e in result["errors"]:
                print(f"  - {e['text']}\n      gold {e['gold']}\n      got  {e['predicted']}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

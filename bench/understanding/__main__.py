"""How well the assistant understands clients as they really write, on the frozen blind banks
(bench/understanding/banks/): `make eval` (README "Measuring understanding").

    python -m bench.understanding [--bank NAME] [--part heldout|tune|all] [--replies|--personas]

Prints, for single replies, how many were read right per topic and how many yeses were read
as a no; for whole conversations, per expected outcome: exact, over, UNDER, no advice, false
urgent care, median and max client turns, and the most times one question was asked. The
failing replies and transcripts go to bench/results/understanding-<bank>-<part>-<time>.txt.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench.understanding import bank as banks
from bench.understanding import personas as conversations
from bench.understanding import replies as single

RESULTS = Path(__file__).resolve().parents[1] / "results"
PARALLEL = 4


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", action="append", choices=banks.names(),
                        help="a bank (repeatable); default: every bank")
    parser.add_argument("--part", choices=["heldout", "tune", "all"], default="heldout")
    parser.add_argument("--model", help="single replies: this trained model, not the one for "
                        "the current files (trained when missing)")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--replies", action="store_true", help="single replies only")
    only.add_argument("--personas", action="store_true", help="whole conversations only")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    for name in args.bank or banks.names():
        bank = banks.load(name).part(args.part)
        report = RESULTS / f"understanding-{name}-{args.part}-{time.strftime('%Y%m%d-%H%M%S')}.txt"
        with report.open("w", encoding="utf-8") as out:
            print(f"\n# bank {name}, {args.part} part", flush=True)
            if not args.personas:
                replies_report(bank, out, args.model)
            if not args.replies:
                personas_report(bank, out)
        print(f"failures: {report}")
    return 0


def replies_report(bank: banks.Bank, out, model: str | None) -> None:
    from scripts import stack

    readings = single.evaluate(model or str(stack.ensure_model()), bank.replies)
    result = single.summary(readings)
    total = result["total"]
    print(f"\n## single replies: {total['right']}/{total['replies']} read right "
          f"({100 * total['right'] / total['replies']:.1f} %), a yes or not-sure read as a no: "
          f"{total['yes_as_no']}, a doctor's word read where none was given: "
          f"{total.get('cleared_wrongly', 0)}")
    print("| topic | replies | read right | yes read as no |\n|---|---|---|---|")
    for topic, counts in result["by_topic"].items():
        print(f"| {topic} | {counts['replies']} | {counts['right']} | {counts['yes_as_no']} |")
    out.write("# single replies read wrong\n")
    for reading in readings:
        if not reading.right:
            wanted = {t: v for t, v in reading.item["expect"].items()}
            got = {t: v for t, v in reading.got.items() if v is not None}
            out.write(json.dumps({"id": reading.item["id"], "topic": reading.item["topic"],
                                  "kind": reading.item["kind"], "reply": reading.item["reply"],
                                  "expected": wanted, "got": got,
                                  "digression": reading.digression,
                                  "yes_as_no": reading.yes_as_no,
                                  "cleared_wrongly": reading.cleared_wrongly},
                                 ensure_ascii=False) + "\n")


def personas_report(bank: banks.Bank, out) -> None:
    from tests.server.conftest import start_assistant

    with tempfile.TemporaryDirectory() as state:
        server = start_assistant(Path(state))
        try:
            def play(persona):
                sender = f"eval-{persona['id']}-{time.time_ns()}"

                def say(text):
                    response = requests.post(f"{server.url}/webhooks/rest/webhook",
                                             json={"sender": sender, "message": text},
                                             timeout=60)
                    response.raise_for_status()
                    return response.json()
                return conversations.play(persona, say)

            with ThreadPoolExecutor(PARALLEL) as pool:
                played = list(pool.map(play, bank.personas))
        finally:
            server.process.terminate()
            server.process.wait(timeout=60)
    rows = conversations.table(played)
    print("\n## whole conversations")
    print("| expected | personas | exact | over | UNDER | no advice | false urgent care | "
          "median turns | max turns | max asks |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(value) for value in row.values()) + " |")
    out.write("\n# conversations that did not end in the exact advice\n")
    for conversation in played:
        if conversation.verdict != "exact" or conversation.false_urgent:
            out.write(f"\n## {conversation.persona['id']}: expected {conversation.expected}, "
                      f"got {conversation.got} ({conversation.verdict}); "
                      f"{conversation.persona['why']}\n")
            for who, text in conversation.transcript:
                out.write(f"{who:>9}: {text}\n")


if __name__ == "__main__":
    sys.exit(main())

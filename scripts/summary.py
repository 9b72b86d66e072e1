"""The therapist's summary of a client's last finished check, from the running assistant.

    make summary ID=<conversation id>                    # readable
    .venv/bin/python -m scripts.summary <id> --json      # structured (JSON)

Reads the conversation over Rasa's HTTP API, which the server enables only when it was
started with RASA_API_TOKEN (README "Configuration"); give the same token here (env
RASA_API_TOKEN or --token). The server is http://localhost:$RASA_PORT unless --url says.
The conversation id is the sender: a phone number for SMS (+4477...), `whatsapp:+44...`,
a Telegram chat id, a Slack user id, a Facebook page-scoped id, a web chat session id.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from typing import Any

from actions.advice import areas_to_adapt
from protocol import ANSWER_FIELDS, ClientReport, evaluate

# Events after which no slot from before holds.
SLOTS_CLEARED = {"restart", "reset_slots"}


class NotAvailable(Exception):
    pass


def fetch_tracker(url: str, token: str, conversation: str) -> dict[str, Any]:
    query = urllib.parse.urlencode({"token": token, "include_events": "ALL"})
    address = f"{url}/conversations/{urllib.parse.quote(conversation, safe='')}/tracker?{query}"
    try:
        with urllib.request.urlopen(address, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        if error.code in (401, 403):
            raise NotAvailable("the server refused the token: give the RASA_API_TOKEN it was "
                               "started with") from error
        if error.code == 404:
            raise NotAvailable("the server's HTTP API is off: start it with RASA_API_TOKEN "
                               "set") from error
        raise NotAvailable(f"the server answered {error.code} {error.reason}") from error
    except OSError as error:
        raise NotAvailable(f"cannot reach the assistant at {url} ({error})") from error


def last_check(tracker: dict[str, Any]) -> dict[str, Any]:
    """The structured summary of the last finished check in the conversation."""
    events = tracker.get("events") or []
    ends = [i for i, e in enumerate(events) if e.get("event") == "bot"
            and "advice" in ((e.get("data") or {}).get("custom") or {})]
    if not ends:
        raise NotAvailable(f"no finished check in conversation {tracker.get('sender_id')!r}")
    advice_event = events[ends[-1]]
    slots = slots_at(events, ends[-1])
    report = ClientReport.from_slots(slots)
    recorded = advice_event["data"]["custom"]
    decision = evaluate(report)
    texts = {r.rule_id: r.therapist_text for r in (*decision.reasons, *decision.precautions)}
    return {
        "conversation": tracker.get("sender_id"),
        "finished_at": datetime.fromtimestamp(advice_event["timestamp"], timezone.utc)
        .isoformat(timespec="seconds"),
        "channel": tracker.get("latest_input_channel"),
        "outcome": recorded["advice"],
        "urgent_care": recorded["urgent_care"],
        "rules_version": recorded["rules_version"],
        "reasons": [{"rule": rule, "confirmed": rule not in recorded["unconfirmed"],
                     "for_therapist": texts.get(rule)} for rule in recorded["reasons"]],
        "precautions": [{"rule": p.rule_id, "confirmed": p.confirmed,
                         "for_therapist": p.therapist_text} for p in decision.precautions],
        "areas": areas_to_adapt(report),
        "reported": reported(report),
        "summary": slots.get("therapist_summary"),
    }


def slots_at(events: list[dict[str, Any]], advice: int) -> dict[str, Any]:
    """The slots as the advice left them (its action's slot events follow its messages)."""
    slots: dict[str, Any] = {}
    for index, event in enumerate(events):
        if index > advice and event.get("event") == "user":
            break
        if event.get("event") in SLOTS_CLEARED:
            slots = {}
        elif event.get("event") == "slot":
            slots[event["name"]] = event.get("value")
    return slots


def reported(report: ClientReport) -> dict[str, Any]:
    answers = {"yes": [], "no": [], "unknown": []}
    for question in ANSWER_FIELDS:
        answers[report.answer(question).value].append(question)
    return {**answers, "sensory_areas": list(report.sensory_areas),
            "sensory_since": report.sensory_since, "temperature_c": report.temperature_c,
            "pressure_sore_areas": list(report.pressure_sore_areas)}


def readable(check: dict[str, Any]) -> str:
    header = (f"Conversation {check['conversation']} ({check['channel']}), check finished "
              f"{check['finished_at']}")
    return "\n".join([header, "-" * len(header), check["summary"] or "(no summary recorded)"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("conversation", help="the conversation (sender) id")
    parser.add_argument("--url", default=f"http://localhost:{os.environ.get('RASA_PORT', '5005')}")
    parser.add_argument("--token", default=os.environ.get("RASA_API_TOKEN", ""))
    parser.add_argument("--json", action="store_true", help="the structured summary as JSON")
    args = parser.parse_args()
    try:
        check = last_check(fetch_tracker(args.url.rstrip("/"), args.token, args.conversation))
    except NotAvailable as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    print(json.dumps(check, indent=2, ensure_ascii=False) if args.json else readable(check))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Conversations through the cluster: turns that land on different Rasa replicas continue
one conversation, and 50 clients at once each get their own, expected advice."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from tests.server.test_conversations import RANK, have_conversation, load_conversations
from tests.server.test_socketio import talk

CONCURRENT_CONVERSATIONS = 50


def check_outcome(payload: dict, expected: dict, asked: list[str]) -> None:
    assert RANK[payload["advice"]] >= RANK[expected["advice"]], (
        f"UNDER-TRIAGE: got {payload}, expected {expected}; asked {asked}")
    assert payload["advice"] == expected["advice"], f"got {payload}; asked {asked}"
    assert payload["urgent_care"] == expected.get("urgent_care", False), payload
    assert set(expected.get("reasons", [])) <= set(payload["reasons"]), payload


def test_a_conversation_continues_whichever_replica_answers(cluster):
    client = cluster.client()
    conversation = next(c for c in load_conversations() if c["expect"]["advice"] == "postpone")
    payload, asked = have_conversation(client, conversation)

    check_outcome(payload, conversation["expect"], asked)
    served_by = {replica.split(", ")[-1].rsplit(":", 1)[1] for replica in client.replicas}
    assert served_by == {str(cluster.ports["rasa-1"]), str(cluster.ports["rasa-2"])}
    # Nothing lost: every message the client sent is in the conversation, in order.
    (sender, sent), = client.sent.items()
    assert client.user_messages(sender) == sent


def have_one(address: str, conversation: dict, cluster) -> tuple[int, float]:
    """One client's full check; returns its turns and seconds."""
    client = cluster.client(address)
    started = time.monotonic()
    payload, asked = have_conversation(client, conversation)
    check_outcome(payload, conversation["expect"], asked)
    return len(client.replicas), time.monotonic() - started


def test_fifty_clients_at_once_each_get_their_own_advice(cluster):
    conversations = load_conversations()
    plan = [conversations[i % len(conversations)] for i in range(CONCURRENT_CONVERSATIONS)]
    started = time.monotonic()
    with ThreadPoolExecutor(CONCURRENT_CONVERSATIONS) as pool:
        futures = [pool.submit(have_one, f"127.0.0.{10 + i}", conversation, cluster)
                   for i, conversation in enumerate(plan)]
    elapsed = time.monotonic() - started
    results, errors = [], []
    for conversation, future in zip(plan, futures, strict=True):
        try:
            results.append(future.result())
        except (Exception, pytest.fail.Exception) as problem:
            errors.append(f"{conversation['name']}: {problem}")
    turns = sum(t for t, _ in results)
    durations = sorted(d for _, d in results)
    print(f"\nload: {CONCURRENT_CONVERSATIONS} concurrent checks, {turns} turns in "
          f"{elapsed:.0f} s ({turns / elapsed:.1f} turns/s); a check took "
          f"{durations[0]:.0f}-{durations[-1]:.0f} s" if durations else "")
    assert not errors, f"{len(errors)} of {len(plan)} failed:\n" + "\n".join(errors)


def test_the_replicas_lock_conversations_in_redis(cluster):
    # Each turn of the checks above saved its conversation's lock there (Rasa's in-memory
    # lock store, which one replica cannot see from the other, would leave Redis unused).
    stats = redis.Redis(port=cluster.ports["REDIS_PORT"]).info("commandstats")
    assert stats.get("cmdstat_set", {}).get("calls", 0) > 0


def test_a_client_sending_too_fast_gets_a_clear_429_and_others_are_served(cluster):
    flooding, other = cluster.client("127.0.0.201"), cluster.client("127.0.0.202")
    statuses = []
    for _ in range(200):  # far beyond the burst allowed to one client address
        response = flooding.session.get(f"{cluster.url}/", timeout=10)
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[0] == 200 and statuses[-1] == 429, statuses
    assert "please wait a moment" in response.json()["error"]
    assert response.headers["Retry-After"] == "1"
    assert other.session.get(f"{cluster.url}/", timeout=10).status_code == 200


async def test_socketio_clients_are_served_through_nginx(cluster):
    # Long-polling: each exchange is several requests, which must reach one replica.
    client = cluster.client()
    session_id = client.new_sender()
    welcome = await talk(cluster.url, session_id, "hi", transport="polling")
    assert "not a medical device" in " ".join(reply["text"] for reply in welcome)
    question = await talk(cluster.url, session_id, "/affirm", transport="polling")
    assert "urgent signs" in question[-1]["text"]
    assert client.tracker(session_id)["slots"]["requested_slot"] == "red_flag_screen"


def test_the_action_servers_answer_only_the_rasa_replicas(cluster):
    # Every check above went through them, so the Rasa replicas hold the token; others don't.
    response = cluster.client().session.post(
        f"http://127.0.0.1:{cluster.ports['ACTION_PORT']}/webhook",
        json={"next_action": "action_give_advice", "tracker": {}}, timeout=10)
    assert response.status_code == 401

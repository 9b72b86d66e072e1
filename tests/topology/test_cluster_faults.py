"""Faults in the cluster, with real processes: action replicas and a Rasa replica killed
outright, PostgreSQL restarted. The client is told to call the clinic when nothing can
serve the check, never silence and never "go ahead"; nothing it was answered is lost, and
the open question is asked again once the check can go on."""

from __future__ import annotations

from tests.server.test_action_server_failure import SAFE_MESSAGE


def start_check(client) -> str:
    """Consent and no red flags: the check is at its first flare-up question."""
    sender = client.new_sender()
    for text in ("hi", "yes", "no"):
        assert client.say(sender, text), "a turn answered with silence"
    assert client.tracker(sender)["slots"]["requested_slot"] == "active_flare_up"
    return sender


def texts(replies: list[dict]) -> str:
    return " ".join(reply.get("text", "") for reply in replies)


def test_action_replicas_killed_the_other_serves_then_the_check_fails_safe_and_resumes(
        cluster):
    client = cluster.client()
    sender = start_check(client)

    one = cluster.kill("actions-1")
    replies = client.say(sender, "no")  # the other action replica answers
    assert SAFE_MESSAGE not in texts(replies)
    assert client.tracker(sender)["slots"]["requested_slot"] == "recent_relapse"
    cluster.wait_until_restarted("actions-1", one)

    killed = {name: cluster.kill(name) for name in ("actions-1", "actions-2")}
    try:
        replies = client.say(sender, "no")
    finally:  # the other tests share this cluster
        for name, pid in killed.items():
            cluster.wait_until_restarted(name, pid)
    assert SAFE_MESSAGE in texts(replies)
    assert not any("advice" in (reply.get("custom") or {}) for reply in replies)

    # the check resumes where it was: the question the client no longer sees is asked
    # again first, and the next reply answers it
    replies = client.say(sender, "no")
    slots = client.tracker(sender)["slots"]
    assert (slots["recent_relapse"], slots["requested_slot"]) == (None, "recent_relapse")
    assert "relapse in the last few weeks" in replies[-1]["text"]
    replies = client.say(sender, "no")
    slots = client.tracker(sender)["slots"]
    assert (slots["active_flare_up"], slots["recent_relapse"]) == ("no", "no")
    assert slots["requested_slot"] == "new_or_worsening_symptoms"
    assert "new symptoms" in replies[-1]["text"]


def test_postgres_restarted_no_answered_turn_is_lost(cluster):
    client = cluster.client()
    sender = start_check(client)
    assert client.say(sender, "no")
    before = client.user_messages(sender)

    cluster.postgres.restart()

    replies = client.say(sender, "no")
    assert replies, "a turn answered with silence after the restart"
    assert client.user_messages(sender) == [*before, "no"]
    slots = client.tracker(sender)["slots"]
    assert (slots["active_flare_up"], slots["recent_relapse"]) == ("no", "no")


def test_a_rasa_replica_killed_the_other_serves_the_next_turn(cluster):
    client = cluster.client()
    sender = start_check(client)
    ports = {str(cluster.ports[name]) for name in ("rasa-1", "rasa-2")}
    assert {served.rsplit(":", 1)[1] for served in client.replicas} == ports

    killed = cluster.kill("rasa-1")
    replies = client.say(sender, "no")
    assert client.replicas[-1].split(", ")[-1].endswith(f":{cluster.ports['rasa-2']}")
    assert "relapse" in replies[-1]["text"]
    assert client.tracker(sender)["slots"]["active_flare_up"] == "no"
    # The cluster starts a new rasa-1 (loading the model takes a minute or two).
    assert cluster.restarting("rasa-1", killed)


def test_the_servers_logs_quote_no_token(cluster):
    # After the faults above, whose failed requests carried both tokens in their URLs.
    log = cluster.log.read_text(errors="replace")
    assert "stopped" in log, "no fault was logged: nothing to check"
    assert cluster.token not in log and cluster.action_token not in log

"""socket.io with session persistence, against the real server: a client that
reconnects with its session id continues its conversation (Rasa 3.6.21's own channel
loses every reply with the installed python-socketio; see precheck_channels)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import socketio

pytestmark = pytest.mark.server
QUIET_S = 1.5


async def talk(url: str, session_id: str, text: str) -> list[dict]:
    """Connects, claims the session, says one thing, collects the replies, disconnects."""
    client = socketio.AsyncClient()
    replies: list[dict] = []
    confirmed = asyncio.Event()
    client.on("session_confirm", lambda _: confirmed.set())
    client.on("bot_uttered", replies.append)
    # Polling: the websocket transport of this client needs a newer aiohttp than Rasa pins.
    await client.connect(url, socketio_path="/socket.io", transports=["polling"])
    try:
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(confirmed.wait(), timeout=10)
        await client.emit("user_uttered", {"message": text, "session_id": session_id})
        for _ in range(60):  # until the replies stop coming (at most 60 s)
            count = len(replies)
            await asyncio.sleep(QUIET_S)
            if replies and len(replies) == count:
                break
    finally:
        await client.disconnect()
    return replies


async def test_replies_arrive_and_a_reconnect_continues_the_conversation(assistant):
    session_id = uuid.uuid4().hex
    welcome = await talk(assistant.url, session_id, "hi")
    assert "not a medical device" in " ".join(reply["text"] for reply in welcome)
    assert [b["payload"] for b in welcome[-1]["quick_replies"]] == ["/affirm", "/deny"]

    question = await talk(assistant.url, session_id, "/affirm")  # a new connection
    assert "urgent signs" in question[-1]["text"]
    assert assistant.tracker(session_id)["slots"]["requested_slot"] == "red_flag_screen"

    await talk(assistant.url, session_id, "yes")
    advice = await talk(assistant.url, session_id, '/inform{"red_flag": "clot_signs"}')
    payload = next(reply["custom"] for reply in advice if "custom" in reply)
    assert payload["advice"] == "postpone" and payload["urgent_care"] is True
    assert "R3" in payload["reasons"]


async def test_only_the_configured_websites_may_open_a_socket(assistant):
    allowed = socketio.AsyncClient()
    await allowed.connect(assistant.url, socketio_path="/socket.io", transports=["polling"],
                          headers={"Origin": f"http://localhost:{assistant.page_ports[0]}"})
    await allowed.disconnect()

    elsewhere = socketio.AsyncClient()
    with pytest.raises(socketio.exceptions.ConnectionError):
        await elsewhere.connect(assistant.url, socketio_path="/socket.io",
                                transports=["polling"], headers={"Origin": "http://evil.example"})

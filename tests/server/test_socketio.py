"""socket.io with session persistence, against the real server: a client that
reconnects with its session id continues its conversation (Rasa 3.6.21's own channel
loses every reply with the installed python-socketio; see precheck/channels/socketio.py)."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
import requests
import socketio
import websockets

from tests.server.conftest import rasa_workers

pytestmark = pytest.mark.server
QUIET_S = 1.5


async def talk(url: str, session_id: str, text: str, transport: str = "websocket") -> list[dict]:
    """Connects, claims the session, says one thing, collects the replies, disconnects.

    WebSocket, as the chat widget talks (the only transport when the server runs several
    workers); "polling" for long-polling, which one-worker replicas behind nginx serve."""
    if transport == "polling":
        return await talk_polling(url, session_id, text)
    return await talk_websocket(url, session_id, text)


async def talk_polling(url: str, session_id: str, text: str) -> list[dict]:
    client = socketio.AsyncClient()
    replies: list[dict] = []
    confirmed = asyncio.Event()
    client.on("session_confirm", lambda _: confirmed.set())
    client.on("bot_uttered", replies.append)
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


async def talk_websocket(url: str, session_id: str, text: str) -> list[dict]:
    """Engine.IO 4 / Socket.IO 5 packets over a WebSocket, as the widget sends them (the
    python-socketio client's WebSocket needs a newer aiohttp than Rasa pins)."""
    address = url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
    async with websockets.connect(address) as socket:
        assert (await socket.recv()).startswith("0")  # Engine.IO open
        await socket.send("40")  # join the default namespace
        assert (await socket.recv()).startswith("40")
        await socket.send(event_packet("session_request", {"session_id": session_id}))
        assert (await next_event(socket, 10))[0] == "session_confirm"
        await socket.send(event_packet("user_uttered",
                                       {"message": text, "session_id": session_id}))
        replies = []
        while event := await next_event(socket, 60 if not replies else QUIET_S):
            if event[0] == "bot_uttered":
                replies.append(event[1])
    return replies


def event_packet(name: str, data: dict) -> str:
    return "42" + json.dumps([name, data])


async def next_event(socket, timeout_s: float) -> list | None:
    """The next Socket.IO event, answering pings meanwhile; None after timeout_s of quiet."""
    while True:
        try:
            packet = await asyncio.wait_for(socket.recv(), timeout_s)
        except asyncio.TimeoutError:
            return None
        if packet == "2":  # Engine.IO ping
            await socket.send("3")
        elif packet.startswith("42"):
            return json.loads(packet[2:])


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
    address = assistant.url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
    allowed = {"Origin": f"http://localhost:{assistant.page_ports[0]}"}
    async with websockets.connect(address, extra_headers=allowed) as socket:
        assert (await socket.recv()).startswith("0")

    with pytest.raises(websockets.exceptions.InvalidStatusCode) as refused:
        await websockets.connect(address, extra_headers={"Origin": "http://evil.example"})
    assert refused.value.status_code == 400


def test_long_polling_is_refused_only_when_several_workers_share_the_port(assistant):
    opening = requests.get(f"{assistant.url}/socket.io/?EIO=4&transport=polling", timeout=10)
    if len(rasa_workers(assistant)) > 1:
        assert (opening.status_code, opening.json()) == (400, "Invalid transport")
    else:
        assert opening.status_code == 200 and opening.text.startswith("0{")

"""socket.io's transports follow the Rasa server's worker count (precheck/channels/socketio.py):
long-polling sessions cannot be shared by several workers on one port, WebSockets can."""

from __future__ import annotations

import pytest
from rasa.core.channels.channel import UserMessage

from precheck.channels.socketio import PersistentSocketIOInput


async def ignore(_: UserMessage) -> None:
    return None


@pytest.mark.parametrize(("workers", "transports"), [
    ("1", ["polling", "websocket"]),
    ("2", ["websocket"]),
])
def test_the_socket_server_allows(monkeypatch, workers, transports):
    monkeypatch.setenv("SANIC_WORKERS", workers)
    channel = PersistentSocketIOInput(session_persistence=True)
    channel.blueprint(ignore)
    assert channel.sio.eio.transports == transports

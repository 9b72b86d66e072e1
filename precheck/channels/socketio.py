"""Rasa's socket.io channel, with the fixes this assistant needs.

- Session persistence on python-socketio 5.10+: Rasa 3.6.21 calls
  `sio.enter_room(sid, session_id)` without `await`; since python-socketio 5.10 that
  is a coroutine, so the call never runs, the client never joins its session's room,
  and with `session_persistence: true` the bot's replies (sent to that room) never
  arrive. This channel replaces that handler.
- Custom payloads (the advice contract): Rasa's socket.io output passes the payload's
  keys to `emit()` as keyword arguments, which fails for `{"advice": ...}`. This
  output sends `{"custom": payload}`, as the REST channel does; the message handler
  is replaced too, since Rasa's builds its output channel itself.
- WebSocket only when the Rasa server runs several worker processes (SANIC_WORKERS): a
  long-polling session is several requests, which the workers (sharing one port) would
  answer in turn, each without the others' sessions. A WebSocket is one connection, so
  it stays with one worker; the chat widget uses nothing else. Long-polling clients are
  answered "Invalid transport" (400) then; with one worker they are served as before.
- Allowed origins: Rasa creates the socket.io server with `cors_allowed_origins=[]`,
  which turns Engine.IO's origin check off, so any website could open a socket to the
  assistant. This channel allows the origins the HTTP API allows (`CORS_ORIGINS`), and
  only same-origin pages when none are configured.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

logger = logging.getLogger(__name__)


class CustomPayloadSocketIOOutput(SocketIOOutput):
    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class PersistentSocketIOInput(SocketIOInput):
    """`socketio` in credentials.yml, with an awaited `enter_room`."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        self.sio.eio.cors_allowed_origins = allowed_origins()
        self.sio.eio.transports = allowed_transports()
        self.on_new_message = on_new_message
        # Registering an event again replaces Rasa's handler on the same server.
        self.sio.on("session_request", namespace=self.namespace)(self.session_request)
        self.sio.on(self.user_message_evt, namespace=self.namespace)(self.handle_message)
        return blueprint

    def get_output_channel(self) -> OutputChannel | None:
        channel = super().get_output_channel()
        return channel and CustomPayloadSocketIOOutput(self.sio, self.bot_message_evt)

    async def session_request(self, sid: str, data: dict[str, Any] | None) -> None:
        data = data or {}
        session_id = data.get("session_id") or uuid.uuid4().hex
        if self.session_persistence:
            await self.sio.enter_room(sid, session_id, namespace=self.namespace)
        await self.sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

    async def handle_message(self, sid: str, data: dict[str, Any] | None) -> None:
        data = data or {}
        sender_id = data.get("session_id") if self.session_persistence else sid
        if not sender_id:
            logger.warning("socket.io message without a session_id ignored "
                           "(send a session_request first)")
            return
        await self.on_new_message(UserMessage(
            str(data.get("message", "")),
            CustomPayloadSocketIOOutput(self.sio, self.bot_message_evt),
            sender_id,
            input_channel=self.name(),
            metadata=_metadata(data.get(self.metadata_key)),
        ))


def allowed_origins() -> list[str] | str | None:
    """CORS_ORIGINS as Engine.IO takes it: a list, "*" for any, None for same-origin only."""
    origins = os.environ.get("CORS_ORIGINS", "").split()
    if "*" in origins:
        return "*"
    return origins or None


def allowed_transports() -> list[str]:
    if int(os.environ.get("SANIC_WORKERS", "1")) > 1:
        return ["websocket"]
    return ["polling", "websocket"]


def _metadata(value: Any) -> dict[str, Any]:
    """Metadata as a dict; a client's malformed metadata is dropped, not a crash."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}

"""A local HTTP server on 127.0.0.1 that stands in for the messaging apps' APIs.

Each connector's API base URL points here (TELEGRAM_API_URL, SLACK_API_URL, TWILIO_API_URL,
FACEBOOK_API_URL), under one path prefix per provider. It records every request and
answers as the provider's API documents, with the fields the clients read.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_NAME = "precheck_test_bot"
WAIT_S = 120  # replies to Slack are sent after the webhook has answered
MESSAGE_METHODS = {"sendMessage", "chat.postMessage", "Messages.json", "messages"}


@dataclass
class Call:
    provider: str  # telegram | slack | twilio | facebook
    method: str  # the API method: sendMessage, chat.postMessage, Messages.json, messages
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class ProviderAPI:
    port: int = 0
    calls: list[Call] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def url(self, provider: str) -> str:
        return f"http://127.0.0.1:{self.port}/{provider}"

    def record(self, call: Call) -> None:
        with self.changed:
            self.calls.append(call)
            self.changed.notify_all()

    def mark(self) -> int:
        return len(self.calls)

    def sent_since(self, mark: int, provider: str, to: str) -> list[Call]:
        """Messages (not other API calls) sent to `to` after `mark`."""
        return [c for c in self.calls[mark:] if c.provider == provider
                and c.method in MESSAGE_METHODS and recipient(c) == to]

    def wait_for(self, mark: int, provider: str, to: str,
                 done: Callable[[list[Call]], bool]) -> list[Call]:
        """The messages sent to `to` since `mark`, once `done` holds for them."""
        deadline = time.monotonic() + WAIT_S
        with self.changed:
            while not done(self.sent_since(mark, provider, to)):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{provider}: no expected reply to {to}; got "
                                         f"{self.sent_since(mark, provider, to)}")
                self.changed.wait(left)
            return self.sent_since(mark, provider, to)


def recipient(call: Call) -> str:
    body = call.body
    return str(body.get("chat_id") or body.get("channel") or body.get("To")
               or body.get("recipient", {}).get("id") or "")


def parse_body(content_type: str, raw: bytes) -> dict[str, Any]:
    if content_type.startswith("application/json"):
        return json.loads(raw or b"{}")
    return dict(parse_qsl(raw.decode()))


def answer(call: Call) -> tuple[int, dict[str, Any]]:
    """What the provider's API answers (only the fields the clients read)."""
    body = call.body
    if call.provider == "telegram":
        if call.method == "getMe":
            return 200, {"ok": True, "result": {"id": 123456789, "is_bot": True,
                                                "first_name": "Precheck", "username": BOT_NAME}}
        if call.method == "sendMessage":
            return 200, {"ok": True, "result": {
                "message_id": len(call.path), "date": int(time.time()), "text": body.get("text"),
                "chat": {"id": int(body["chat_id"]), "type": "private"}}}
        return 200, {"ok": True, "result": True}
    if call.provider == "slack":
        return 200, {"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}"}
    if call.provider == "twilio":
        return 201, {"sid": "SM" + "0" * 32, "status": "queued", "to": body.get("To"),
                     "from": body.get("From"), "body": body.get("Body")}
    return 200, {"recipient_id": body.get("recipient", {}).get("id"), "message_id": "m_1"}


def start() -> tuple[ProviderAPI, ThreadingHTTPServer]:
    api = ProviderAPI()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            call = Call(provider=path.split("/")[1], method=path.rsplit("/", 1)[-1],
                        path=path, headers=dict(self.headers),
                        body=parse_body(self.headers.get("Content-Type", ""), raw))
            api.record(call)
            status, reply = answer(call)
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    api.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return api, server

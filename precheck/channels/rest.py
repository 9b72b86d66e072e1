"""Rasa's REST channel, strict about what it accepts and silent about what clients say.

In credentials.yml, in place of `rest:` (same URL, POST /webhooks/rest/webhook):

    precheck.channels.rest.CheckedRestInput:

Rasa 3.6's own REST channel
- answers HTTP 500 to a body that is JSON but not an object, or empty;
- puts every client who leaves out "sender" into one shared conversation, "default", where
  each would read the others' answers;
- accepts a message that is not text (a number, a list), fails on it and answers nothing;
- logs the text of any message whose handling fails, at ERROR level.
This channel answers 400 with the reason to such requests, and logs failures without the text.
It does not offer the `?stream=true` variant (nothing here uses it).

A message may carry a `message_id` (the widget's; README). Sent again with the
same id, after an answer that was lost on the way ("Try again"), it is not read again: the
replies it got are sent back. Read again, "Yes, let's start" would be a yes to the next
question, the red flags. The check is made under the conversation's lock, so it waits for
the first one to be answered, and it reads the tracker store, which every worker shares.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

# The tracker store's sender_id column holds 255 characters; PostgreSQL refuses more.
MAX_SENDER_LENGTH = 128
MAX_MESSAGE_ID_LENGTH = 64
# What CollectingOutputChannel puts in a reply besides its text (BotUttered keeps them in data)
SENT_KEYS = ("image", "buttons", "attachment", "custom")


class CheckedRestInput(RestInput):
    """POST {"sender": "...", "message": "...", "metadata": {...}, "message_id": "..."}
    -> the replies."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = request.json  # Sanic itself answers 400 to a body that is not JSON
            problem = what_is_wrong(body)
            if problem:
                return response.json({"error": problem}, status=400)
            sender, message_id = str(body["sender"]), body.get("message_id")
            if message_id is not None:
                answered = await replies_already_sent(request.app.ctx.agent, sender, message_id)
                if answered is not None:
                    return response.json(answered)
            collector = CollectingOutputChannel()
            message = UserMessage(body["message"], collector, sender,
                                  input_channel=self.name(), metadata=body.get("metadata"),
                                  message_id=message_id)
            try:
                await on_new_message(message)
            except Exception as error:  # the client still gets what was said before it
                logger.error("a REST message could not be handled: %s", type(error).__name__)
            return response.json(collector.messages)

        return webhook


async def replies_already_sent(agent: Agent, sender: str, message_id: str) -> list | None:
    """What the assistant answered the message `message_id` of this conversation, or None
    if it has not had it."""
    async with agent.lock_store.lock(sender):
        tracker = await agent.processor.get_tracker(sender)
    replies, found = [], False
    for event in tracker.events:
        if isinstance(event, UserUttered):
            if found:
                break
            found = event.message_id == message_id
        elif found and isinstance(event, BotUttered):
            replies.append(_as_sent(sender, event))
    return replies if found else None


def _as_sent(sender: str, event: BotUttered) -> dict[str, Any]:
    """A reply as CollectingOutputChannel gave it the first time."""
    data = event.data or {}
    sent = {"recipient_id": sender, "text": event.text,
            **{key: data.get(key) for key in SENT_KEYS}}
    return {key: value for key, value in sent.items() if value is not None}


def what_is_wrong(body: Any) -> str | None:
    """Why a request body is not {"sender": text or number, "message": text}, or None."""
    if not isinstance(body, dict):
        return 'the body must be a JSON object: {"sender": ..., "message": ...}'
    sender = body.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str) or not 0 < len(sender.strip()) <= MAX_SENDER_LENGTH:
        return (f'"sender" must be a text of 1 to {MAX_SENDER_LENGTH} characters that '
                "identifies the conversation")
    if not isinstance(body.get("message"), str):
        return '"message" must be a text'
    if not isinstance(body.get("metadata", {}), dict | None):
        return '"metadata" must be a JSON object'
    message_id = body.get("message_id", "id")
    if not isinstance(message_id, str) or not 0 < len(message_id) <= MAX_MESSAGE_ID_LENGTH:
        return f'"message_id" must be a text of 1 to {MAX_MESSAGE_ID_LENGTH} characters'
    return None

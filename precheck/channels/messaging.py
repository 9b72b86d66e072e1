"""What the messaging apps (Telegram, Slack, Twilio SMS/WhatsApp, Facebook) share.

Two things make the check work where buttons are missing or limited:

- `numbered()`: a question's choices as a numbered list under its text.
- `TypedChoices`: a reply that is the words of a choice the assistant offered in its
  last turn, or its number where the choices were numbered, becomes that choice's
  payload. The choices are read from the conversation's own tracker (the buttons of the
  bot's last message), so nothing is kept beside it: the mapping survives restarts and
  follows the conversation, and a number typed after a question without choices, or
  where the client saw buttons rather than numbers, stays plain text.

The advice contract's payload (README) is for machine clients; on a messaging app the
client reads the advice text that comes with it, so `AdviceAsText` never sends it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, Sanic

logger = logging.getLogger(__name__)

REPLY_HINT = "(Reply with a number, or in your own words.)"


def numbered(text: str, buttons: list[dict[str, Any]]) -> str:
    choices = [f"{number}. {button['title']}" for number, button in enumerate(buttons, 1)]
    return "\n".join([text, "", *choices, REPLY_HINT])


def chosen(text: str, buttons: list[dict[str, Any]], by_number: bool) -> str:
    """The payload of the choice `text` names by its title, or by its number when the
    client was shown numbers; else `text` itself."""
    answer = text.strip().rstrip(".)").strip().lower()
    for number, button in enumerate(buttons, 1):
        names = (str(number),) if by_number else ()
        if answer in (*names, str(button.get("title", "")).strip().lower()):
            return button["payload"]
    return text


def last_offered(events: list[Any]) -> list[dict[str, Any]]:
    """The buttons the assistant offered since the client last spoke (none: [])."""
    for event in reversed(events):
        if isinstance(event, UserUttered):
            return []
        if isinstance(event, BotUttered) and event.data.get("buttons"):
            return event.data["buttons"]
    return []


class TypedChoices:
    """Input-channel mixin: typed choices become their payloads (see the module)."""

    app: Sanic | None = None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def with_choices(message: UserMessage) -> None:
            if message.text and not message.text.startswith("/"):
                offered = await self._offered(message.sender_id)
                message.text = chosen(message.text, offered, self.shows_numbers(offered))
            await on_new_message(message)

        blueprint = super().blueprint(with_choices)
        blueprint.listener("before_server_start")(self._remember_app)
        return blueprint

    def shows_numbers(self, buttons: list[dict[str, Any]]) -> bool:
        """Whether this channel numbered these choices. Only then is a typed number a
        choice: where the client saw buttons, "2" may mean "2 weeks ago"."""
        return True

    async def _remember_app(self, app: Sanic, _loop: Any) -> None:
        self.app = app

    async def _offered(self, sender_id: str) -> list[dict[str, Any]]:
        agent = self.app.ctx.agent if self.app else None
        tracker = await agent.tracker_store.retrieve(sender_id) if agent else None
        return last_offered(list(tracker.events)) if tracker else []


class AdviceAsText:
    """Output-channel mixin: custom payloads (the advice contract) are not sent."""

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        logger.debug("custom payload kept in the tracker, not sent to %s", recipient_id)


def with_api_url(channel: Any, credentials: dict[str, Any] | None) -> Any:
    """`api_url` in credentials.yml: where the provider's API is (unset: the provider's own)."""
    channel.api_url = (credentials or {}).get("api_url") or None
    return channel

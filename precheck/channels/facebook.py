"""Facebook Messenger: choices as quick replies, signed requests only, no advice payload.

Rasa's channel answers a wrongly signed request with 200 "not validated"; this one
answers 403. Messenger allows 13 quick replies of 20 characters: when a title is longer,
the choices are numbered in the text and the quick replies carry the numbers.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels import facebook
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from precheck.channels.messaging import AdviceAsText, TypedChoices, numbered, with_api_url

logger = logging.getLogger(__name__)

MAX_QUICK_REPLIES = 13
MAX_QUICK_REPLY_TITLE = 20


def numbers_needed(buttons: list[dict[str, Any]]) -> bool:
    return len(buttons) > MAX_QUICK_REPLIES or any(
        len(button["title"]) > MAX_QUICK_REPLY_TITLE for button in buttons)


class FacebookOutput(AdviceAsText, facebook.MessengerBot):
    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        if len(buttons) > MAX_QUICK_REPLIES:
            return await self.send_text_message(recipient_id, numbered(text, buttons))
        titled = not numbers_needed(buttons)
        replies = [
            {"content_type": "text", "title": button["title"] if titled else str(number),
             "payload": button["payload"]}
            for number, button in enumerate(buttons, 1)
        ]
        message = {"text": text if titled else numbered(text, buttons), "quick_replies": replies}
        self.messenger_client.send(message, recipient_id, "RESPONSE")


class Messenger(facebook.Messenger):
    def __init__(self, access_token: str, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                 api_url: str | None) -> None:
        super().__init__(access_token, on_new_message)
        if api_url:
            self.client.graph_url = api_url

    async def _handle_user_message(self, text: str, sender_id: str,
                                   metadata: dict[str, Any] | None) -> None:
        try:
            await self.on_new_message(UserMessage(
                text, FacebookOutput(self.client), sender_id, input_channel=self.name(),
                metadata=metadata))
        except Exception:
            # Facebook re-sends a webhook that fails; one conversation's error is logged.
            logger.exception("facebook: could not handle a message from %s", sender_id)


class SignedFacebookInput(facebook.FacebookInput):
    """Rasa's Facebook input with a 403 for unsigned requests and our output."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return with_api_url(super().from_credentials(credentials), credentials)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("facebook_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            if request.args.get("hub.verify_token") == self.fb_verify:
                return response.text(request.args.get("hub.challenge"))
            return response.text("invalid verify token", status=403)

        @webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            signature = (request.headers.get("X-Hub-Signature-256")
                         or request.headers.get("X-Hub-Signature") or "")
            if not signed_with(self.fb_secret, request.body, signature):
                logger.warning("facebook: request with a wrong app-secret signature refused")
                return response.text("invalid signature", status=403)
            messenger = Messenger(self.fb_access_token, on_new_message, self.api_url)
            await messenger.handle(request.json, self.get_metadata(request))
            return response.text("success")

        return webhook


def signed_with(app_secret: str, body: bytes, header: str) -> bool:
    """Whether `header` ("sha256=<hex>" or "sha1=<hex>") is the app secret's HMAC of body."""
    method, _, signature = header.partition("=")
    if method not in ("sha256", "sha1"):
        return False
    expected = hmac.new(app_secret.encode(), body, method).hexdigest()
    return hmac.compare_digest(expected, signature)


class FacebookInput(TypedChoices, SignedFacebookInput):
    """`precheck.channels.facebook.FacebookInput` in credentials.yml: /webhooks/facebook/webhook."""

    def shows_numbers(self, buttons: list[dict[str, Any]]) -> bool:
        return numbers_needed(buttons)

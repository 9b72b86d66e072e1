"""Twilio SMS and WhatsApp: text only, so choices are numbered and each reply is one message.

Rasa 3.6's Twilio channel does not check that a request comes from Twilio; this one
rejects any request whose X-Twilio-Signature does not match (403). SMS and WhatsApp are
two channels (two webhooks, two sender numbers) sharing one Twilio account.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels import twilio
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from precheck.channels.messaging import AdviceAsText, TypedChoices, numbered, with_api_url

logger = logging.getLogger(__name__)

# Twilio's limit for one message body; longer messages are split between paragraphs.
MAX_BODY = 1600


class TwilioOutput(AdviceAsText, twilio.TwilioOutput):
    def __init__(self, account_sid: str, auth_token: str, twilio_number: str,
                 api_url: str | None) -> None:
        super().__init__(account_sid, auth_token, twilio_number)
        if api_url:
            self.api.base_url = api_url

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        # One message per bot message: separate SMS can arrive out of order.
        for body in bodies(text.strip()):
            await self._send_message({"to": recipient_id, "from_": self.twilio_number,
                                      "body": body})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_message(recipient_id, numbered(text, buttons))


def bodies(text: str) -> list[str]:
    """`text` in as few message bodies as fit, cut between paragraphs."""
    parts = [""]
    for paragraph in text.split("\n\n"):
        candidate = f"{parts[-1]}\n\n{paragraph}" if parts[-1] else paragraph
        if len(candidate) <= MAX_BODY or not parts[-1]:
            parts[-1] = candidate
        else:
            parts.append(paragraph)
    return parts


class SignedTwilioInput(twilio.TwilioInput):
    """Rasa's Twilio input with the signature check and our output."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        channel = with_api_url(super().from_credentials(credentials), credentials)
        # The URL configured in Twilio's console, which Twilio signs; unset: the URL
        # the request reached (differs behind a proxy that terminates TLS).
        channel.public_url = (credentials or {}).get("public_url") or None
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"{self.name()}_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self.is_from_twilio(request):
                logger.warning("%s: request without a valid X-Twilio-Signature refused",
                               self.name())
                return response.text("invalid signature", status=403)
            sender, text = request.form.get("From"), request.form.get("Body")
            if sender and text:
                await on_new_message(UserMessage(
                    text, self.get_output_channel(), sender, input_channel=self.name(),
                    metadata=self.get_metadata(request)))
            return response.text("", status=204)

        return webhook

    def is_from_twilio(self, request: Request) -> bool:
        params = {key: request.form.get(key) for key in request.form}
        return RequestValidator(self.auth_token).validate(
            self.public_url or request.url, params,
            request.headers.get("X-Twilio-Signature", ""))

    def get_output_channel(self) -> TwilioOutput:
        return TwilioOutput(self.account_sid, self.auth_token, self.twilio_number, self.api_url)


class TwilioSMSInput(TypedChoices, SignedTwilioInput):
    """`precheck.channels.twilio.TwilioSMSInput` in credentials.yml: /webhooks/twilio/webhook."""


class TwilioWhatsAppInput(TwilioSMSInput):
    """`precheck.channels.twilio.TwilioWhatsAppInput`: /webhooks/whatsapp/webhook; the
    number is written `whatsapp:+<number>`, as Twilio does."""

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

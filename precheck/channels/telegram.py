"""Telegram, with questions' choices as buttons one per row, signed requests only and no
advice payload.

Rasa's Telegram channel sets its webhook in a throw-away event loop when the server is
built; the bot's HTTP session then belongs to a closed loop. Here the webhook is set
once the server starts, on the server's own loop.

Rasa's channel reads any request posted to its webhook. This one registers the webhook
with a secret token (`secret_token` in credentials.yml), which Telegram sends back in the
X-Telegram-Bot-Api-Secret-Token header of every update, and answers a request without
it 403, before reading it.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from aiogram import Bot
from aiogram.bot import api
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from rasa.core.channels import telegram
from rasa.core.channels.channel import InputChannel
from rasa.shared.exceptions import RasaException
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from precheck.channels.messaging import AdviceAsText, TypedChoices, with_api_url

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramOutput(AdviceAsText, telegram.TelegramOutput):
    def __init__(self, access_token: str, api_url: str | None = None,
                 secret_token: str = "") -> None:
        server = TelegramAPIServer.from_base(api_url) if api_url else TELEGRAM_PRODUCTION
        Bot.__init__(self, access_token, server=server)
        self.secret_token = secret_token

    async def set_webhook(self, url: str, **_: Any) -> bool:
        # Every registration carries the secret, also one through Rasa's /set_webhook
        # route: without it Telegram would send updates this channel refuses. aiogram
        # 2.15 predates the parameter (Bot API 6.3), so it is sent as the API names it.
        return await self.request(api.Methods.SET_WEBHOOK,
                                  {"url": url, "secret_token": self.secret_token})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        # Our choices are whole phrases: one per row stays readable on a phone.
        await super().send_text_with_buttons(recipient_id, text, buttons, button_type="vertical")


class TelegramInput(TypedChoices, telegram.TelegramInput):
    """`precheck.channels.telegram.TelegramInput` in credentials.yml."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        channel = with_api_url(super().from_credentials(credentials), credentials)
        channel.secret_token = (credentials or {}).get("secret_token") or ""
        # An empty secret would match the missing header of a request that is not from
        # Telegram (credentials.py requires the variable; a file written by hand may not).
        if not channel.secret_token:
            raise RasaException("Telegram needs a secret_token (TELEGRAM_SECRET_TOKEN)")
        return channel

    def blueprint(self, on_new_message: Any) -> Any:
        blueprint = super().blueprint(on_new_message)
        blueprint.listener("before_server_start")(self._set_webhook)
        # Blueprint middleware runs for this channel's routes only, before their handler.
        blueprint.middleware("request")(self._refuse_unsigned)
        return blueprint

    async def _refuse_unsigned(self, request: Request) -> HTTPResponse | None:
        if request.route.name.endswith(".health"):
            return None  # a monitor's health check tells nothing and reads nothing
        sent = request.headers.get(SECRET_HEADER, "")
        if hmac.compare_digest(sent.encode(), self.secret_token.encode()):
            return None
        logger.warning("telegram: request without the webhook's secret token refused")
        return response.text("invalid secret token", status=403)

    async def _set_webhook(self, _app: Sanic, _loop: Any) -> None:
        bot = self.get_output_channel()
        try:
            if not await bot.set_webhook(url=self.webhook_url):
                raise RasaException(f"Telegram refused the webhook {self.webhook_url}")
        finally:
            await bot.close()

    def shows_numbers(self, buttons: list[dict[str, Any]]) -> bool:
        return False

    def get_output_channel(self) -> TelegramOutput:
        return TelegramOutput(self.access_token, self.api_url, self.secret_token)

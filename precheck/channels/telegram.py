"""Telegram, with questions' choices as buttons one per row and no advice payload.

Rasa's Telegram channel sets its webhook in a throw-away event loop when the server is
built; the bot's HTTP session then belongs to a closed loop. Here the webhook is set
once the server starts, on the server's own loop.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from rasa.core.channels import telegram
from rasa.core.channels.channel import InputChannel
from rasa.shared.exceptions import RasaException
from sanic import Sanic

from precheck.channels.messaging import AdviceAsText, TypedChoices, with_api_url


class TelegramOutput(AdviceAsText, telegram.TelegramOutput):
    def __init__(self, access_token: str, api_url: str | None = None) -> None:
        server = TelegramAPIServer.from_base(api_url) if api_url else TELEGRAM_PRODUCTION
        Bot.__init__(self, access_token, server=server)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        # Our choices are whole phrases: one per row stays readable on a phone.
        await super().send_text_with_buttons(recipient_id, text, buttons, button_type="vertical")


class TelegramInput(TypedChoices, telegram.TelegramInput):
    """`precheck.channels.telegram.TelegramInput` in credentials.yml."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return with_api_url(super().from_credentials(credentials), credentials)

    def blueprint(self, on_new_message: Any) -> Any:
        blueprint = super().blueprint(on_new_message)
        blueprint.listener("before_server_start")(self._set_webhook)
        return blueprint

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
        return TelegramOutput(self.access_token, self.api_url)

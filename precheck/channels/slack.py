"""Slack, with every choice of a question as a button and no advice payload."""

from __future__ import annotations

from typing import Any

from rasa.core.channels import slack
from rasa.core.channels.channel import InputChannel, OutputChannel
from slack_sdk.web.async_client import AsyncWebClient

from precheck.channels.messaging import AdviceAsText, TypedChoices, numbered, with_api_url

# Slack's limits for an actions block and a button's text; Rasa's channel drops every
# button beyond 5, which would lose most of the urgent-signs choices.
MAX_BUTTONS = 25
MAX_BUTTON_TEXT = 75


class SlackOutput(AdviceAsText, slack.SlackBot):
    def __init__(self, token: str, channel: str | None, thread_id: str | None,
                 proxy: str | None, api_url: str | None) -> None:
        super().__init__(token, channel, thread_id, proxy)
        if api_url:
            self.client = AsyncWebClient(token, proxy=proxy, base_url=api_url)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        if len(buttons) > MAX_BUTTONS:
            return await self.send_text_message(recipient_id, numbered(text, buttons))
        elements = [
            {"type": "button", "value": button["payload"],
             "text": {"type": "plain_text", "text": button["title"][:MAX_BUTTON_TEXT]}}
            for button in buttons
        ]
        await self._post_message(
            channel=self.slack_channel or recipient_id, as_user=True, text=text,
            blocks=[{"type": "section", "text": {"type": "plain_text", "text": text}},
                    {"type": "actions", "elements": elements}],
        )


class SlackInput(TypedChoices, slack.SlackInput):
    """`precheck.channels.slack.SlackInput` in credentials.yml; requests are checked
    against the signing secret (Rasa answers 400 to a wrong or stale signature)."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return with_api_url(super().from_credentials(credentials), credentials)

    def shows_numbers(self, buttons: list[dict[str, Any]]) -> bool:
        return len(buttons) > MAX_BUTTONS

    def get_output_channel(self, channel: str | None = None,
                           thread_id: str | None = None) -> OutputChannel:
        return SlackOutput(self.slack_token, channel or self.slack_channel, thread_id,
                           self.proxy, self.api_url)

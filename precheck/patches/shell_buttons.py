"""Ctrl-C in `rasa shell`'s button list ends the conversation, as it does at the text prompt.

questionary answers a cancelled question (Ctrl-C) with None. At the text prompt Rasa reads
None as "stop"; the button list hands it to `payload_from_button_question`, which cuts the
payload out of the chosen line with `str.rfind`: an AttributeError, a traceback on the
therapist's terminal, and a shell that no longer reads its input nor ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rasa.cli.utils as cli_utils

_rasas_reading = cli_utils.payload_from_button_question


@dataclass(frozen=True)
class _Answered:
    """A question already answered, for Rasa's own reading of the answer."""

    answer: str

    async def ask_async(self) -> str:
        return self.answer


async def payload_from_button_question(button_question: Any) -> str | None:
    """Rasa's reading of the chosen button; None (stop) when the question was cancelled."""
    answer = await button_question.ask_async()
    if answer is None:
        return None
    return await _rasas_reading(_Answered(answer))


def apply() -> None:
    cli_utils.payload_from_button_question = payload_from_button_question


def applied() -> bool:
    return cli_utils.payload_from_button_question is payload_from_button_question

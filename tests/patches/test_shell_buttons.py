"""A cancelled button list in `rasa shell` is a stop; a chosen button keeps Rasa's reading."""

import asyncio

import rasa.cli.utils as cli_utils

from precheck import patches

patches.install()  # as precheck/run_rasa.py does in every Rasa process, the shell included


class Question:
    def __init__(self, answer):
        self.answer = answer

    async def ask_async(self):
        return self.answer


def read(answer):
    return asyncio.run(cli_utils.payload_from_button_question(Question(answer)))


def test_ctrl_c_in_the_list_is_a_stop():
    assert read(None) is None


def test_a_chosen_button_is_its_payload():
    assert read("1: Yes, let's start (/affirm)") == "/affirm"


def test_typing_ones_own_message_is_kept_for_rasa_to_prompt():
    assert read(cli_utils.FREE_TEXT_INPUT_PROMPT) == cli_utils.FREE_TEXT_INPUT_PROMPT

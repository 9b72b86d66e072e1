"""The credentials file Rasa reads: a messaging app is there only when it is configured."""

from __future__ import annotations

import pytest
import yaml

from precheck.channels import credentials

ALWAYS = ["precheck.channels.rest.CheckedRestInput",
          "precheck.channels.socketio.PersistentSocketIOInput"]
WHATSAPP = {"TWILIO_WHATSAPP_NUMBER": "whatsapp:+15550002222", "TWILIO_ACCOUNT_SID": "AC1",
            "TWILIO_AUTH_TOKEN": "secret"}


def written(tmp_path, env: dict[str, str]) -> dict:
    return yaml.safe_load(credentials.write(tmp_path / "credentials.yml", env).read_text())


def test_with_no_settings_only_the_web_channels(tmp_path):
    assert list(written(tmp_path, {})) == ALWAYS


def test_one_app_enabled_by_its_settings(tmp_path):
    channels = written(tmp_path, WHATSAPP)
    assert list(channels) == [*ALWAYS, "precheck.channels.twilio.TwilioWhatsAppInput"]
    # Unset optional URLs are left out: the connector then uses the provider's own.
    assert channels["precheck.channels.twilio.TwilioWhatsAppInput"] == {
        "twilio_number": "whatsapp:+15550002222", "account_sid": "AC1", "auth_token": "secret"}


def test_the_file_with_secrets_is_private(tmp_path):
    target = credentials.write(tmp_path / "credentials.yml", WHATSAPP)
    assert target.stat().st_mode & 0o077 == 0


def test_a_half_configured_app_is_named_with_what_is_missing(tmp_path):
    with pytest.raises(credentials.MissingSetting,
                       match="TelegramInput is enabled but TELEGRAM_BOT_NAME, "
                             "TELEGRAM_WEBHOOK_URL, TELEGRAM_SECRET_TOKEN are not set"):
        credentials.write(tmp_path / "credentials.yml", {"TELEGRAM_TOKEN": "1:x"})


def test_every_app_enabled(tmp_path):
    env = {name: "x" for name in credentials.VARIABLE.findall(credentials.TEMPLATE.read_text())}
    assert len(written(tmp_path, env)) == len(ALWAYS) + 5

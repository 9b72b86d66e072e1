"""One real assistant with every messaging app enabled, its providers' APIs stood in for
by a local server (provider_api.py), for the channel tests' module (then stopped, so it
does not run beside the session's assistant for the rest of the suite)."""

from __future__ import annotations

import pytest

from tests.channels import provider_api

# Made-up credentials in each provider's format; the stand-in accepts any.
SETTINGS = {
    "TELEGRAM_TOKEN": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ",
    "TELEGRAM_BOT_NAME": provider_api.BOT_NAME,
    "TELEGRAM_WEBHOOK_URL": "https://clinic.example/webhooks/telegram/webhook",
    "TELEGRAM_SECRET_TOKEN": "clinic-telegram-secret_0123456789",
    "SLACK_TOKEN": "xoxb-0000-test",
    "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5",
    "TWILIO_ACCOUNT_SID": "AC" + "a1" * 16,
    "TWILIO_AUTH_TOKEN": "12345678901234567890123456789012",
    "TWILIO_SMS_NUMBER": "+15550001111",
    "TWILIO_WHATSAPP_NUMBER": "whatsapp:+15550002222",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "EAAtestpagetoken",
    "FACEBOOK_VERIFY": "clinic-verify-token",
    "FACEBOOK_APP_SECRET": "fb0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c",
}


@pytest.fixture(scope="module")
def provider():
    api, server = provider_api.start()
    yield api
    server.shutdown()


@pytest.fixture(scope="module")
def messaging(provider, tmp_path_factory):
    from tests.server.conftest import start_assistant

    urls = {f"{name.upper()}_API_URL": provider.url(name)
            for name in ("telegram", "twilio", "facebook")}
    urls["SLACK_API_URL"] = provider.url("slack") + "/api/"
    server = start_assistant(tmp_path_factory.mktemp("messaging"), {**SETTINGS, **urls})
    try:
        yield server
    finally:
        server.process.terminate()
        server.process.wait(timeout=60)

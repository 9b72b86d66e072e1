"""Each messaging app's real webhook payloads posted to the running assistant; what the
assistant sends back is read from the stand-in for the provider's API (provider_api.py).

Payload formats follow the providers' documentation: Telegram Update objects, Slack Events
API `event_callback` and interactive `block_actions`, Twilio's form-encoded incoming
message, Facebook's `page` webhook with `messaging` entries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import uuid
from urllib.parse import urlencode

import pytest
import requests
from twilio.request_validator import RequestValidator

from tests.channels.conftest import SETTINGS
from tests.channels.provider_api import Call

pytestmark = pytest.mark.server

WELCOME = "Before your massage"
URGENT_SIGNS = "First, urgent signs"
FLARE_UP = "MS flare-up"
# What a client must never see: an intent payload ("/affirm") or a JSON object.
NOT_READABLE = re.compile(r"(^|\s)/[a-z_]+|[{}]")


def post(messaging, channel: str, **kwargs) -> requests.Response:
    return requests.post(f"{messaging.url}/webhooks/{channel}/webhook", timeout=120, **kwargs)


def texts(calls: list[Call]) -> list[str]:
    """What the client reads in each message sent."""
    return [c.body.get("text") or c.body.get("Body") or c.body.get("message", {}).get("text", "")
            for c in calls]


def assert_readable(calls: list[Call]) -> None:
    for text in texts(calls):
        assert not NOT_READABLE.search(text), f"not plain text for a client: {text!r}"


# Telegram ---------------------------------------------------------------------------

def telegram_update(chat_id: int, **content) -> dict:
    person = {"id": chat_id, "is_bot": False, "first_name": "Sam"}
    message = {"message_id": 1, "date": int(time.time()), "from": person,
               "chat": {"id": chat_id, "type": "private", "first_name": "Sam"}}
    if "data" in content:  # a tap on an inline keyboard button
        return {"update_id": 2, "callback_query": {
            "id": "4382bfdwdsb323b2d9", "from": person, "chat_instance": "-1",
            "message": {**message, "text": "(the question)"}, "data": content["data"]}}
    return {"update_id": 1, "message": {**message, "text": content["text"]}}


def telegram_post(messaging, chat_id: int, secret: str | None = SETTINGS["TELEGRAM_SECRET_TOKEN"],
                  **content) -> requests.Response:
    """An update as Telegram sends it: with the secret token registered with the webhook."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return post(messaging, "telegram", json=telegram_update(chat_id, **content), headers=headers)


def telegram_says(messaging, provider, chat_id: int, **content) -> list[Call]:
    mark = provider.mark()
    response = telegram_post(messaging, chat_id, **content)
    assert response.status_code == 200, response.text
    return provider.sent_since(mark, "telegram", str(chat_id))


def keyboard(call: Call) -> list[list[dict]]:
    return json.loads(call.body["reply_markup"])["inline_keyboard"]


def test_telegram_registers_its_webhook_at_start_up(messaging, provider):
    hooks = [c for c in provider.calls if c.provider == "telegram" and c.method == "setWebhook"]
    assert hooks and hooks[-1].body["url"] == SETTINGS["TELEGRAM_WEBHOOK_URL"]
    assert hooks[-1].body["secret_token"] == SETTINGS["TELEGRAM_SECRET_TOKEN"]


@pytest.mark.parametrize("secret", [None, "", "not-the-secret-token"])
def test_telegram_refuses_an_update_without_the_secret_token(messaging, provider, secret):
    chat = int(time.time() * 1000) % 10**9 + 3
    mark = provider.mark()
    response = telegram_post(messaging, chat, secret=secret, text="hi")
    assert response.status_code == 403
    # Nothing was read or answered: no reply, and no conversation was started.
    assert provider.sent_since(mark, "telegram", str(chat)) == []
    events = messaging.tracker(str(chat))["events"]
    assert not [e for e in events if e["event"] == "user"]


def test_telegram_webhook_registration_needs_the_secret_token_too(messaging, provider):
    # Rasa's route re-registers the webhook: unguarded, anyone could call it.
    mark = provider.mark()
    url = f"{messaging.url}/webhooks/telegram/set_webhook"
    assert requests.post(url, timeout=30).status_code == 403
    assert [c for c in provider.calls[mark:] if c.method == "setWebhook"] == []
    # The channel's health check still answers a monitor, which has no secret.
    assert requests.get(f"{messaging.url}/webhooks/telegram/", timeout=30).status_code == 200


def test_telegram_buttons_taps_and_typed_choices(messaging, provider):
    chat = int(time.time() * 1000) % 10**9
    welcome = telegram_says(messaging, provider, chat, text="hi")
    assert WELCOME in texts(welcome)[-1]
    rows = keyboard(welcome[-1])
    assert [row[0]["text"] for row in rows] == ["Yes, let's start", "No, thanks"]
    assert all(len(row) == 1 for row in rows), "one choice per row"

    screen = telegram_says(messaging, provider, chat, data=rows[0][0]["callback_data"])
    assert URGENT_SIGNS in texts(screen)[-1]
    assert [row[0]["text"] for row in keyboard(screen[-1])] == ["Yes", "No", "Not sure"]

    flare_up = telegram_says(messaging, provider, chat, data="/deny")
    assert FLARE_UP in texts(flare_up)[-1]
    assert_readable(welcome + screen + flare_up)

    # The client saw buttons, not numbers: a typed "2" is not taken for the second one,
    # but a choice's words are ("not sure" is the third button).
    telegram_says(messaging, provider, chat, text="2")
    assert messaging.tracker(str(chat))["latest_message"]["text"] == "2"
    telegram_says(messaging, provider, chat, text="not sure")
    assert messaging.tracker(str(chat))["latest_message"]["text"] == "/unsure"


# Slack ------------------------------------------------------------------------------

def slack_post(messaging, body: bytes, content_type: str, secret: str) -> requests.Response:
    timestamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body,
                      hashlib.sha256).hexdigest()
    return post(messaging, "slack", data=body, headers={
        "Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest}"})


def slack_message(user: str, channel: str, text: str) -> bytes:
    return json.dumps({
        "token": "verification-token", "team_id": "T061EG9R6", "api_app_id": "A0PNCHHK2",
        "type": "event_callback", "event_id": f"Ev{uuid.uuid4().hex[:8]}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T061EG9R6", "user_id": "U0BOT", "is_bot": True}],
        "event": {"type": "message", "channel": channel, "channel_type": "im", "user": user,
                  "text": text, "ts": f"{time.time():.6f}", "event_ts": f"{time.time():.6f}"},
    }).encode()


def slack_button_tap(user: str, channel: str, value: str) -> bytes:
    payload = {
        "type": "block_actions", "user": {"id": user, "username": "sam", "team_id": "T061EG9R6"},
        "api_app_id": "A0PNCHHK2", "trigger_id": "12466734323.1395872398",
        "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "ts": f"{time.time():.6f}", "text": "(the question)"},
        "response_url": "https://hooks.slack.example/actions/T061EG9R6/1",
        "actions": [{"type": "button", "action_id": "choice", "block_id": "b1", "value": value,
                     "text": {"type": "plain_text", "text": "(the choice)"},
                     "action_ts": f"{time.time():.6f}"}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def slack_buttons(call: Call) -> list[dict]:
    return next(b["elements"] for b in call.body["blocks"] if b["type"] == "actions")


def test_slack_buttons_and_taps(messaging, provider):
    user, channel = "U2147483697", f"D{uuid.uuid4().hex[:8].upper()}"
    secret = SETTINGS["SLACK_SIGNING_SECRET"]

    def replies_to(body: bytes, content_type: str, expected: str) -> list[Call]:
        mark = provider.mark()
        assert slack_post(messaging, body, content_type, secret).status_code == 200
        return provider.wait_for(mark, "slack", channel,
                                 lambda calls: any(expected in t for t in texts(calls)))

    welcome = replies_to(slack_message(user, channel, "hi"), "application/json", WELCOME)
    choices = slack_buttons(welcome[-1])
    assert [b["text"]["text"] for b in choices] == ["Yes, let's start", "No, thanks"]

    screen = replies_to(slack_button_tap(user, channel, choices[0]["value"]),
                        "application/x-www-form-urlencoded", URGENT_SIGNS)
    replies_to(slack_message(user, channel, "yes"), "application/json", "Which one?")
    which = provider.sent_since(0, "slack", channel)[-1]
    # All eight urgent-sign choices are buttons (Rasa's own channel drops them above 5).
    assert len(slack_buttons(which)) == 8
    assert_readable(welcome + screen)


def test_slack_refuses_a_wrong_signature(messaging, provider):
    channel = f"D{uuid.uuid4().hex[:8].upper()}"
    mark = provider.mark()
    response = slack_post(messaging, slack_message("U1", channel, "hi"), "application/json",
                          "not-the-signing-secret")
    assert response.status_code == 400
    # A signed message sent afterwards is answered, the forged one never was.
    slack_post(messaging, slack_message("U1", channel, "hello"), "application/json",
               SETTINGS["SLACK_SIGNING_SECRET"])
    provider.wait_for(mark, "slack", channel, lambda calls: bool(calls))
    assert len([t for t in texts(provider.sent_since(mark, "slack", channel))
                if WELCOME in t]) == 1


# Twilio SMS and WhatsApp -------------------------------------------------------------

def twilio_says(messaging, provider, channel: str, sender: str, text: str,
                auth_token: str = SETTINGS["TWILIO_AUTH_TOKEN"]) -> tuple[int, list[Call]]:
    number = SETTINGS["TWILIO_WHATSAPP_NUMBER" if channel == "whatsapp" else "TWILIO_SMS_NUMBER"]
    form = {"MessageSid": f"SM{uuid.uuid4().hex}", "AccountSid": SETTINGS["TWILIO_ACCOUNT_SID"],
            "From": sender, "To": number, "Body": text, "NumMedia": "0", "NumSegments": "1"}
    url = f"{messaging.url}/webhooks/{channel}/webhook"
    signature = RequestValidator(auth_token).compute_signature(url, form)
    mark = provider.mark()
    response = requests.post(url, data=form, headers={"X-Twilio-Signature": signature},
                             timeout=120)
    return response.status_code, provider.sent_since(mark, "twilio", sender)


def test_sms_numbered_choices_answered_by_number(messaging, provider):
    sender = f"+1555{int(time.time() * 1000) % 10**7:07d}"
    status, welcome = twilio_says(messaging, provider, "twilio", sender, "hi")
    assert status == 204
    assert len(welcome) == 1, "one SMS per bot message"
    assert welcome[0].body["From"] == SETTINGS["TWILIO_SMS_NUMBER"]
    assert "\n1. Yes, let's start\n2. No, thanks\n" in texts(welcome)[0]

    _, screen = twilio_says(messaging, provider, "twilio", sender, "1")
    assert URGENT_SIGNS in texts(screen)[-1] and "\n3. Not sure\n" in texts(screen)[-1]
    _, which = twilio_says(messaging, provider, "twilio", sender, "Yes")
    assert "\n8. Not sure\n" in texts(which)[-1]
    assert_readable(welcome + screen + which)


def test_sms_refuses_a_wrong_signature(messaging, provider):
    sender = f"+1555{int(time.time() * 1000 + 1) % 10**7:07d}"
    status, sent = twilio_says(messaging, provider, "twilio", sender, "hi",
                               auth_token="0" * 32)
    assert (status, sent) == (403, [])
    unsigned = requests.post(f"{messaging.url}/webhooks/twilio/webhook", timeout=60,
                             data={"From": sender, "Body": "hi"})
    assert unsigned.status_code == 403
    assert provider.sent_since(0, "twilio", sender) == []


def test_whatsapp_whole_check_by_numbers_then_the_summary(messaging, provider):
    sender = f"whatsapp:+44770090{int(time.time() * 1000) % 10**4:04d}"
    _, sent = twilio_says(messaging, provider, "whatsapp", sender, "hi")
    answer = "1"  # "1. Yes, let's start"
    for _ in range(40):
        _, replies = twilio_says(messaging, provider, "whatsapp", sender, answer)
        sent += replies
        assert replies, f"no reply to {answer!r}"
        if "What would you like to do next?" in texts(replies)[-1]:
            break
        # The second choice is the "no" of every question of the check; free text otherwise.
        answer = "2" if "\n2. " in texts(replies)[-1] else "no"
    else:
        pytest.fail(f"no advice; last replies: {texts(sent[-3:])}")
    assert all(c.body["From"] == SETTINGS["TWILIO_WHATSAPP_NUMBER"] for c in sent)
    assert any("You can come for your massage as planned" in t for t in texts(sent))
    assert_readable(sent)

    _, summary = twilio_says(messaging, provider, "whatsapp", sender, "1")
    assert "Outcome: PROCEED GENTLY" in texts(summary)[0]


# Facebook Messenger ------------------------------------------------------------------

def facebook_says(messaging, provider, psid: str, message: dict,
                  secret: str = SETTINGS["FACEBOOK_APP_SECRET"]) -> tuple[int, list[Call]]:
    body = json.dumps({"object": "page", "entry": [{
        "id": "106500000000001", "time": int(time.time() * 1000),
        "messaging": [{"sender": {"id": psid}, "recipient": {"id": "106500000000001"},
                       "timestamp": int(time.time() * 1000),
                       "message": {"mid": f"m_{uuid.uuid4().hex}", **message}}]}]}).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    mark = provider.mark()
    response = post(messaging, "facebook", data=body, headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": signature})
    return response.status_code, provider.sent_since(mark, "facebook", psid)


def quick_replies(call: Call) -> list[dict]:
    return call.body["message"]["quick_replies"]


def test_facebook_quick_replies_within_messenger_limits(messaging, provider):
    psid = str(int(time.time() * 1000))
    status, welcome = facebook_says(messaging, provider, psid, {"text": "hi"})
    assert status == 200
    choices = quick_replies(welcome[-1])
    assert [c["title"] for c in choices] == ["Yes, let's start", "No, thanks"]

    _, screen = facebook_says(messaging, provider, psid, {
        "text": choices[0]["title"], "quick_reply": {"payload": choices[0]["payload"]}})
    assert URGENT_SIGNS in texts(screen)[-1]
    _, which = facebook_says(messaging, provider, psid, {"text": "yes"})
    # Urgent-sign titles exceed 20 characters: numbered in the text, numbers as replies.
    assert [c["title"] for c in quick_replies(which[-1])] == [str(n) for n in range(1, 9)]
    assert "\n1. Face, arm or speech problem\n" in texts(which)[-1]
    assert_readable(welcome + screen + which)

    # Typing the number instead of tapping it chooses the same: 8 is "Not sure".
    facebook_says(messaging, provider, psid, {"text": "8"})
    latest = messaging.tracker(psid)["latest_message"]
    assert (latest["text"], latest["intent"]["name"]) == ("/unsure", "unsure")


def test_facebook_refuses_a_wrong_signature(messaging, provider):
    psid = str(int(time.time() * 1000) + 7)
    status, sent = facebook_says(messaging, provider, psid, {"text": "hi"},
                                 secret="not-the-app-secret")
    assert (status, sent) == (403, [])


def test_facebook_webhook_verification(messaging):
    params = {"hub.mode": "subscribe", "hub.challenge": "1158201444",
              "hub.verify_token": SETTINGS["FACEBOOK_VERIFY"]}
    ok = requests.get(f"{messaging.url}/webhooks/facebook/webhook", params=params, timeout=30)
    assert (ok.status_code, ok.text) == (200, "1158201444")
    params["hub.verify_token"] = "wrong"
    refused = requests.get(f"{messaging.url}/webhooks/facebook/webhook", params=params,
                           timeout=30)
    assert refused.status_code == 403

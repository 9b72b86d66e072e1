"""Only Rasa may call the action server: a rasa-sdk plugin (see rasa_sdk_plugins/).

- The action server listens on the loopback interface unless SANIC_HOST says otherwise
  (rasa-sdk reads SANIC_HOST after its plugins are attached, and binds 0.0.0.0 without it).
- With ACTION_SERVER_TOKEN set, every request except GET /health must carry it as the
  `token` query parameter, which is what Rasa sends when endpoints.yml has
  `action_endpoint: {url: ..., token: ...}`; others get 401 and nothing is run.
- A failing action answers 500 without echoing the request: rasa-sdk's own handler
  returns the whole request body, i.e. the client's conversation.
"""

from __future__ import annotations

import hmac
import logging
import os

import pluggy
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

TOKEN_VARIABLE = "ACTION_SERVER_TOKEN"
LOOPBACK = "127.0.0.1"
OPEN_PATHS = {"/health"}


hookimpl = pluggy.HookimplMarker("rasa_sdk")


@hookimpl
def attach_sanic_app_extensions(app: Sanic) -> None:
    os.environ.setdefault("SANIC_HOST", LOOPBACK)
    token = os.environ.get(TOKEN_VARIABLE, "")
    if not token:
        logger.warning("%s is not set: the action server accepts calls from anyone who can "
                       "reach %s", TOKEN_VARIABLE, os.environ["SANIC_HOST"])
    app.register_middleware(token_check(token), "request")
    app.error_handler.add(Exception, answer_failure)


def token_check(token: str):
    async def check(request: Request) -> HTTPResponse | None:
        if not token or request.path in OPEN_PATHS:
            return None
        given = request.args.get("token", "")
        if hmac.compare_digest(given.encode(), token.encode()):
            return None
        return response.json({"error": "a valid token is required"}, status=401)

    return check


async def answer_failure(request: Request, exception: Exception) -> HTTPResponse:
    status = getattr(exception, "status_code", 500)
    if status >= 500:
        # The type only: the message of an exception can quote the client's answers.
        logger.error("an action failed: %s", type(exception).__name__)
    return response.json({"error": type(exception).__name__}, status=status)


"""Writes the credentials file Rasa reads: credentials.yml with only the enabled channels.

Rasa stops at start-up when a configured channel lacks its credentials, so a messaging
app is configured only when the variable of its first key is set (see credentials.yml).

    python -m precheck.channels.credentials OUT.yml
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

TEMPLATE = Path(__file__).resolve().parents[2] / "credentials.yml"
VARIABLE = re.compile(r"\$\{(\w+)\}")
# Keys that only redirect or describe a URL: they may stay unset.
OPTIONAL_KEYS = {"api_url", "public_url"}


class MissingSetting(Exception):
    pass


def enabled_channels(template: Mapping[str, Any],
                     env: Mapping[str, str]) -> dict[str, dict[str, Any] | None]:
    channels = {}
    for channel, settings in template.items():
        first = next(iter(settings.values())) if settings else None
        if not _names(first):
            channels[channel] = settings
        elif _is_set(first, env):
            channels[channel] = _filled(channel, settings, env)
    return channels


def _names(value: Any) -> list[str]:
    return VARIABLE.findall(value) if isinstance(value, str) else []


def _is_set(value: Any, env: Mapping[str, str]) -> bool:
    return all(env.get(name) for name in _names(value))


def _filled(channel: str, settings: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    missing = [name for key, value in settings.items() if key not in OPTIONAL_KEYS
               for name in _names(value) if not env.get(name)]
    if missing:
        raise MissingSetting(f"{channel} is enabled but {', '.join(missing)} "
                             f"{'is' if len(missing) == 1 else 'are'} not set")
    return {key: VARIABLE.sub(lambda m: env[m.group(1)], value) if isinstance(value, str)
            else value for key, value in settings.items() if _is_set(value, env)}


def write(target: Path, env: Mapping[str, str] = os.environ) -> Path:
    channels = enabled_channels(yaml.safe_load(TEMPLATE.read_text()), env)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(channels, sort_keys=False))
    target.chmod(0o600)  # it holds the secrets
    return target


def main() -> int:
    try:
        write(Path(sys.argv[1]))
    except MissingSetting as problem:
        print(f"error: {problem} (README: Messaging apps).", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

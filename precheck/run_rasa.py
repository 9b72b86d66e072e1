"""Rasa's command line with the project's patches installed (precheck/patches/):
scripts/stack.py starts every Rasa server and shell this way, with the arguments of `rasa`:

    python -m precheck.run_rasa run --model models/... --port 5005

With `--enable-api`, the HTTP API's secrets (RASA_API_TOKEN, RASA_JWT_SECRET) are read
from the environment here and given to Rasa's argument parser inside this process: on the
command line, every user of the machine could read them (/proc/<pid>/cmdline, `ps`), while
a process's environment is readable by its owner only.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from precheck import lifeline, patches

SECRET_OPTIONS = {"RASA_API_TOKEN": "--auth-token", "RASA_JWT_SECRET": "--jwt-secret"}


def secret_arguments(argv: list[str], env: Mapping[str, str]) -> list[str]:
    """Rasa's options for the API secrets set in `env`, when `argv` enables the API."""
    if "--enable-api" not in argv:
        return []
    return [part for name, option in SECRET_OPTIONS.items() if env.get(name)
            for part in (option, env[name])]


def main() -> None:
    # This process ends with scripts/stack.py (it set that up); its Sanic workers, forked
    # later, with this process.
    lifeline.pass_on_to_forks()
    patches.install()
    sys.argv += secret_arguments(sys.argv, os.environ)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()

"""Rasa's command line with the project's patches installed (precheck/patches/):
scripts/stack.py starts every Rasa server and shell this way, with the arguments of `rasa`:

    python -m precheck.run_rasa run --model models/... --port 5005
"""

from __future__ import annotations

from precheck import lifeline, patches


def main() -> None:
    # This process ends with scripts/stack.py (it set that up); its Sanic workers, forked
    # later, with this process.
    lifeline.pass_on_to_forks()
    patches.install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()

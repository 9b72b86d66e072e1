"""The only place the project changes code it does not own: patches of Rasa's and Sanic's
internals, each written for one version and applied only on that version.

`install()` is explicit (nothing is patched by importing a module) and idempotent; the Rasa
processes the project starts call it through precheck/run_rasa.py. On any other version of
the patched package a patch is left out with a warning, never half applied: Rasa then runs
as it does upstream, slower. The table (README.md beside this file, generated from PATCHES)
says what each patch replaces, why, what it measured and where upstream stands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import version

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Patch:
    module: str  # precheck.patches.<module>: defines apply() and applied()
    package: str  # the distribution patched
    written_for: str  # its version the patch was written and measured on
    replaces: str
    why: str
    gain: str
    upstream: str

    def _function(self, name: str) -> Callable[[], object]:
        return getattr(import_module(f"{__name__}.{self.module}"), name)

    def applied(self) -> bool:
        return bool(self._function("applied")())

    def apply(self) -> None:
        self._function("apply")()


PATCHES: tuple[Patch, ...] = (
    Patch(
        "action_responses", "rasa", "3.6.21",
        replaces="`rasa.core.actions.action.RemoteAction._validate_action_result`",
        why="Rasa checks every action-server response with `jsonschema.validate`, which first "
            "checks its large events schema itself, then tries each event against all 23 "
            "event kinds (`oneOf`). The same schema is checked once, and each event against "
            "the kind it names; anything else gets Rasa's full check and its error.",
        gain="in-process turn 111 → 57 ms; over REST 8 at once 8.9 → 22.0 turns/s; a "
             "response with 3 slot events 1.14 → 0.14 ms (bench/README.md)",
        upstream="none found; the per-kind events schema came with RasaHQ/rasa#8730",
    ),
    Patch(
        "event_types", "rasa", "3.6.21",
        replaces="`rasa.shared.core.events.Event.resolve_by_type`",
        why="Rasa walks every Event subclass (checking each for abstract methods) for each "
            "stored or returned event, about 70 walks a turn; a table keyed by type name "
            "returns the class the walk would find first.",
        gain="in-process turn 55.6 → 47.4 ms; reading a conversation 16.8 → 5.9 ms "
             "(bench/README.md)",
        upstream="none found",
    ),
    Patch(
        "shell_buttons", "rasa", "3.6.21",
        replaces="`rasa.cli.utils.payload_from_button_question`",
        why="Ctrl-C in `rasa shell`'s button list makes questionary answer None, which Rasa "
            "cuts with `str.rfind`: a traceback, and a shell that neither reads nor ends. A "
            "cancelled list is None (stop), as at Rasa's text prompt; a chosen button keeps "
            "Rasa's reading.",
        gain="no speed gain: a terminal that ends cleanly (tests/test_shell_terminal.py)",
        upstream="RasaHQ/rasa#4781 (the same crash in interactive learning, closed as stale)",
    ),
    Patch(
        "worker_sockets", "sanic", "21.12.2",
        replaces="`sanic.server.runners.bind_socket` and `sanic.server.runners.serve`",
        why="Sanic forks its workers onto one listening socket: the worker that wakes first "
            "accepts every waiting connection and keeps it alive, so one worker could serve "
            "everything while the other idled. Each worker listens on a socket of its own "
            "(SO_REUSEPORT) and the kernel spreads connections over them.",
        gain="8 at once: one run had one worker at 10.1 s of CPU and the other at 0.0 s "
             "(20.1 turns/s); with own sockets balanced in every run, 43.1 turns/s, 1.78× "
             "Rasa's default bot (bench/README.md)",
        upstream="none found for Sanic 21.12; later Sanic versions replaced this runner",
    ),
)


def install(patches: tuple[Patch, ...] = PATCHES) -> list[str]:
    """Applies every patch written for the installed version of its package; returns the
    modules of the patches in place afterwards."""
    in_place = []
    for patch in patches:
        installed = version(patch.package)
        if installed != patch.written_for:
            logger.warning(
                "patch %s was written for %s %s, not %s %s: left out, %s runs unpatched "
                "(precheck/patches/README.md)", patch.module, patch.package,
                patch.written_for, patch.package, installed, patch.package)
            continue
        if not patch.applied():
            patch.apply()
        in_place.append(patch.module)
    return in_place


def table() -> str:
    """The README table of the patches, in the order they are installed."""
    rows = ["| patch | package | written for | replaces | why | measured gain | upstream |",
            "|---|---|---|---|---|---|---|"]
    rows += [f"| `{p.module}` | {p.package} | {p.written_for} | {p.replaces} | {p.why} | "
             f"{p.gain} | {p.upstream} |" for p in PATCHES]
    return "\n".join(rows)

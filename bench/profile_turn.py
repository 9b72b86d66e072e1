"""Where the time of a turn goes: NLU components, policies, action-server calls, tracker store.

    .venv/bin/python -m bench.profile_turn [--conversations N] [--cprofile FILE]

Loads our trained model in this process with the endpoints `make run` uses (SQLite
tracker store, a real action server, started on a free port), has the client intakes of
tests/conversations one after another, and sums the wall time of each part per turn.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import logging
import os
import pstats
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench import load
from bench.bots import stack, tree_cpu_s
from tests.server.conftest import free_port

TIMES: dict[str, list[float]] = defaultdict(list)
CPU_S: dict[str, float] = {}


def timed(name_of, function, is_async: bool):
    """`function`, recording its wall time under name_of(args, kwargs)."""
    if is_async:
        @functools.wraps(function)
        async def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                TIMES[name_of(args, kwargs)].append(time.perf_counter() - started)
    else:
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                TIMES[name_of(args, kwargs)].append(time.perf_counter() - started)
    return wrapper


def action_name(args: tuple, kwargs: dict) -> str:
    action = kwargs["action"] if "action" in kwargs else args[1]
    return f"run action {action.name()}"


def instrument() -> None:
    """Times the parts of a turn by wrapping Rasa's own methods (measurement only)."""
    from rasa.utils.log_utils import configure_structlog
    from rasa.utils.tensorflow.environment import setup_tf_environment

    configure_structlog(logging.WARNING)  # otherwise every turn is printed
    setup_tf_environment()  # TensorFlow threads from the environment, as `rasa run` does
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.engine.graph import GraphNode
    from rasa.utils.endpoints import EndpointConfig

    parts = [
        (MessageProcessor, "handle_message", True, lambda a, k: "turn (handle_message)"),
        (MessageProcessor, "parse_message", True, lambda a, k: "NLU (parse_message)"),
        (MessageProcessor, "_run_action", True, action_name),
        (RemoteAction, "run", True, lambda a, k: "remote actions (RemoteAction.run)"),
        (EndpointConfig, "request", True, lambda a, k: "  of which HTTP to action server"),
        (SQLTrackerStore, "retrieve", True, lambda a, k: "tracker store: retrieve"),
        (SQLTrackerStore, "retrieve_full_tracker", True,
          lambda a, k: "tracker store: retrieve_full_tracker"),
        (SQLTrackerStore, "save", True, lambda a, k: "tracker store: save"),
        (GraphNode, "__call__", False, lambda a, k: f"graph node {a[0]._node_name}"),
    ]
    for owner, method, is_async, name_of in parts:
        setattr(owner, method, timed(name_of, getattr(owner, method), is_async))


class InProcess:
    """The client side of bench.load, talking to an Agent in this process."""

    def __init__(self, agent) -> None:
        self.agent = agent

    def open(self) -> bool:
        return True

    async def say(self, sender: str, text: str) -> list[dict]:
        return await self.agent.handle_text(text, sender_id=sender) or []


async def converse(model: Path, conf: dict[str, str], args: argparse.Namespace,
                   profiler, action_server: int) -> int:
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    # The endpoints `make run` gives Rasa: this action server, its SQLite tracker store
    # (which also puts the project's faster check of action responses in place).
    endpoints = AvailableEndpoints(
        action=EndpointConfig(url=conf["ACTION_ENDPOINT_URL"],
                              enable_selective_domain=args.selective_domain),
        tracker_store=EndpointConfig(type=stack.TRACKER_STORE_TYPE, dialect="sqlite",
                                     db=conf["TRACKER_DB"]))
    agent = await load_agent(model_path=str(model), endpoints=endpoints)
    client = InProcess(agent)
    await client.say("warm-up", "hi")
    TIMES.clear()
    cpu_before = time.process_time(), tree_cpu_s([action_server])
    profiler and profiler.enable()
    for index in range(args.conversations):
        await load.intake(client, index)
    profiler and profiler.disable()
    CPU_S["Rasa (this process)"] = time.process_time() - cpu_before[0]
    CPU_S["action server"] = tree_cpu_s([action_server]) - cpu_before[1]
    return len(TIMES["turn (handle_message)"])


def report(turns: int) -> None:
    total = sum(TIMES["turn (handle_message)"])
    print(f"{turns} turns, {1000 * total / turns:.1f} ms per turn on average\n")
    print(f"{'part':58} {'calls':>6} {'ms/turn':>8} {'share':>6}")
    for name, times in sorted(TIMES.items(), key=lambda item: -sum(item[1])):
        print(f"{name[:58]:58} {len(times):6d} {1000 * sum(times) / turns:8.2f} "
              f"{sum(times) / total:6.0%}")
    print("\nCPU time (user + system) per turn: " + ", ".join(
        f"{name} {1000 * seconds / turns:.1f} ms" for name, seconds in CPU_S.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=len(load.intakes()))
    parser.add_argument("--cprofile", type=Path, help="also write cProfile stats here")
    parser.add_argument("--model", type=Path, help="a trained model (default: make run's)")
    parser.add_argument("--selective-domain", action="store_true",
                        help="lever: send the domain to the action server only when asked")
    args = parser.parse_args()
    model = args.model or stack.ensure_model()
    state = Path(tempfile.mkdtemp(prefix="profile-"))
    action_port = free_port()
    conf = {**stack.settings(), "ACTION_PORT": str(action_port),
            "ACTION_ENDPOINT_URL": f"http://localhost:{action_port}/webhook",
            "TRACKER_DB": str(state / "conversations.db")}
    os.environ.update(stack.quiet_env(conf))
    actions = stack.start_action_server(conf)
    try:
        stack.wait_until_healthy(f"http://localhost:{action_port}/health", actions,
                                 "action server")
        instrument()
        profiler = cProfile.Profile() if args.cprofile else None
        turns = asyncio.run(converse(model, conf, args, profiler, actions.pid))
    finally:
        stack.stop([actions])
        shutil.rmtree(state, ignore_errors=True)
    report(turns)
    if profiler:
        profiler.dump_stats(args.cprofile)
        pstats.Stats(str(args.cprofile)).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

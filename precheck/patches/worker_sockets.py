"""Rasa with one listening socket per Sanic worker, so that every worker gets clients.

Sanic 21.12 (Rasa 3.6) binds one socket and forks its workers to share it. The worker that
wakes first accepts every connection waiting, and a kept-alive connection stays with the
worker that accepted it: with 8 conversations at once, some runs had all of them on one
worker while the other stayed idle (bench/README.md). Here each worker listens on a socket
of its own on the same port (SO_REUSEPORT), and the kernel spreads new connections over
them. The main process only reserves the port: bound, not listening, it is given no
connections. One worker runs as Sanic runs it.

Installed by precheck.patches.install() (scripts/stack.py starts Rasa through
precheck/run_rasa.py).
"""

from __future__ import annotations

import socket
from ipaddress import ip_address
from typing import Any

from sanic.server import runners

_sanic_serve = runners.serve


def reserve_port(host: str, port: int, *, backlog: int = 100) -> socket.socket:
    """In place of Sanic's bind_socket in the main process: the port is bound (nothing
    else can listen on it without SO_REUSEPORT) but not listened on."""
    try:
        family = socket.AF_INET6 if ip_address(host).version == 6 else socket.AF_INET
    except ValueError:  # a host name: Sanic binds it as IPv4 too
        family = socket.AF_INET
    reserved = socket.socket(family)
    share_port(reserved)
    reserved.bind((host, port))
    reserved.set_inheritable(True)
    return reserved


def serve_on_own_socket(**settings: Any) -> Any:
    """Sanic's serve() in a worker, listening on a socket of its own."""
    reserved = settings.get("sock")
    if settings.get("run_multiple") and reserved is not None \
            and reserved.family in (socket.AF_INET, socket.AF_INET6):
        own = socket.socket(reserved.family)
        share_port(own)
        own.bind(reserved.getsockname())
        own.listen(settings.get("backlog", 100))
        reserved.close()
        settings["sock"] = own
    return _sanic_serve(**settings)


def share_port(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)


def apply() -> None:
    # serve_multiple looks both names up in its module when it runs.
    runners.bind_socket = reserve_port
    runners.serve = serve_on_own_socket


def applied() -> bool:
    return runners.bind_socket is reserve_port and runners.serve is serve_on_own_socket

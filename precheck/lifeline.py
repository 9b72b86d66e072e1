"""Servers end with the process that started them, however it ends (Linux).

scripts/stack.py starts each server in a session of its own, so that stopping it ends its
whole process group; a SIGKILL to `make run`'s group (a supervisor's stop timeout, the OOM
killer) therefore used to leave the servers running, holding their ports. The kernel's
parent-death signal (prctl PR_SET_PDEATHSIG) closes that gap: a process asks to be sent a
signal when its parent ends.

Two limits shape how it is used here. The signal comes when the *thread* that started the
process ends, not the whole parent: scripts/stack.py starts its servers from its main
thread, which lives as long as it does. And a fork clears the setting, so the Rasa server
passes it on to each process it forks (Sanic's workers) with pass_on_to_forks(), which also
lets a SIGTERM end a worker that is still starting.
"""

from __future__ import annotations

import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
# SIGKILL, not SIGTERM: the launcher was itself killed outright, and Sanic loses a SIGTERM
# that reaches a worker still loading the model (the handler it inherited from its parent
# does nothing there), so that worker, and the parent that waits for it, would run on.
SIGNAL = signal.SIGKILL

# Loaded once here: end_with_parent() runs in a child between fork and exec, where only
# a system call is safe (no import, no lock another thread may have held at the fork).
_libc = ctypes.CDLL(None, use_errno=True)
_forking_parent = 0


def end_with_parent(parent: int) -> None:
    """In a new child process: be sent SIGNAL when `parent` (its parent's pid) ends."""
    if _libc.prctl(PR_SET_PDEATHSIG, SIGNAL) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the parent ended before the call: no signal will come
        os.kill(os.getpid(), SIGNAL)


def pass_on_to_forks() -> None:
    """Every process forked from this one from now on ends with it, and ends on SIGTERM
    until it handles SIGTERM itself."""
    os.register_at_fork(before=_remember_parent, after_in_child=_forked)


def _remember_parent() -> None:
    global _forking_parent
    _forking_parent = os.getpid()


def _forked() -> None:
    # A child inherits its parent's SIGTERM handler: in a Sanic worker, that of Sanic's
    # main process (it signals the workers), until the worker sets its own once it serves.
    # A stop while a worker still loaded the model was lost, and the stop waited its whole
    # grace (15 s) for its SIGKILL.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    end_with_parent(_forking_parent)

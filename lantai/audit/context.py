"""Who is acting: set per request by middleware and per command by the CLI.

A context variable (not a thread-local) so it is right in threads and in async code alike.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

_actor: contextvars.ContextVar[str] = contextvars.ContextVar("lantai_actor", default="system")


def current_actor() -> str:
    return _actor.get()


@contextlib.contextmanager
def acting_as(actor: str) -> Iterator[None]:
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def set_actor(actor: str) -> None:
    """For a whole process (the CLI): every event it records names this actor."""
    _actor.set(actor)

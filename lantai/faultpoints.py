"""Named moments in long operations, where the crash tests stop a process. Plain Python.

Decision: production code only names the moments — ``reached("ingest.chunk_written",
written=n)`` — and never reads a fault setting; with no handler installed :func:`reached` does
nothing. The crash tests start their child processes through ``python -m tests.faultinject``,
which installs a handler that SIGKILLs the process at the moment the test chose (``kill -9`` in
the last second of an ingest, a worker killed mid-upload). So no switch in a production
environment can make Lantai kill itself.
"""

from __future__ import annotations

from collections.abc import Callable

Handler = Callable[[str, dict], None]
_handler: Handler | None = None


def reached(point: str, **facts: object) -> None:
    """The operation is at ``point`` (``facts`` say how far); a test handler may act on it."""
    if _handler is not None:
        _handler(point, facts)


def install(handler: Handler | None) -> None:
    """Tests only (``tests/faultinject.py``)."""
    global _handler
    _handler = handler

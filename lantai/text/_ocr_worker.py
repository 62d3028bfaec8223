"""A persistent worker process for OCR, so that one page can be stopped at its time limit.

onnxruntime (and tesseract's layout analysis) cannot be interrupted from Python: a thread
stuck in ``session.run`` keeps the GIL-free C++ call going and a signal is only handled when it
returns. So pages are recognised in a child process that loads the models once and serves
requests one at a time over its stdin/stdout pipes; when a page runs past its limit the child
is killed and the next request starts a fresh one (paying the model load again, about a second).
A crash of the native code (a segfault on a hostile image) likewise costs one page, not ingest.

Why a plain ``subprocess`` and not :mod:`multiprocessing`: ``spawn`` re-imports the caller's
``__main__`` (a Django command, pytest, ``python -c``), ``fork`` copies a multi-threaded
parent; ``python -m lantai.text._ocr_worker`` depends on neither. It imports nothing from the
network and uses the models installed with the packages, so it works offline.

Protocol: each message is an 8-byte big-endian length and a pickle. A request is
``("module:function", args)``; the answer is ``("ok", value)`` or ``("error", exception)``.
Only the parent writes to the child's stdin, so unpickling there trusts nothing new.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO

_HEADER = struct.Struct(">Q")
_ROOT = str(Path(__file__).resolve().parents[2])  # the folder holding the ``lantai`` package
_LOCK = threading.Lock()
_worker: _Worker | None = None


class WorkerDied(RuntimeError):
    """The worker exited (crashed, or was killed from outside) while serving a request."""


def call(target: str, args: tuple[object, ...], timeout: float) -> Any:
    """Run ``module:function(*args)`` in the worker and return its value.

    Raises :class:`TimeoutError` when it has not answered within ``timeout`` seconds (the worker
    is then killed), :class:`WorkerDied` when the worker crashed, and re-raises an exception
    the function raised (the worker then stays up).
    """
    deadline = time.monotonic() + timeout
    if not _LOCK.acquire(timeout=max(0.0, timeout)):
        raise TimeoutError("the OCR worker stayed busy with another file")
    try:
        return _call_locked(target, args, deadline)
    finally:
        _LOCK.release()


def _call_locked(target: str, args: tuple[object, ...], deadline: float) -> Any:
    global _worker
    if _worker is None or not _worker.usable():
        _worker = _Worker()
    try:
        status, value = _worker.request((target, args), deadline)
    except BaseException:  # timeout, crash or interrupt: the worker's state is unknown
        _worker.kill()
        _worker = None
        raise
    if status == "error":
        raise value
    return value


def stop() -> None:
    """Stop the worker (tests; interpreter exit)."""
    global _worker
    with _LOCK:
        if _worker is not None:
            _worker.close()
            _worker = None


atexit.register(stop)


class _Worker:
    """One child process and its pipes."""

    def __init__(self) -> None:
        path = os.environ.get("PYTHONPATH")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (_ROOT, path) if p))
        self.owner = os.getpid()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lantai.text._ocr_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            # Its own session: a Ctrl-C meant for the parent must not kill a page half-way;
            # the child still exits when the parent dies because its stdin reaches EOF.
            start_new_session=True,
        )

    def usable(self) -> bool:
        # After a fork the pipes are shared with the parent process's worker: start our own.
        return self.owner == os.getpid() and self.proc.poll() is None

    def request(self, message: object, deadline: float) -> tuple[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.proc.stdin.write(_HEADER.pack(len(payload)) + payload)
            self.proc.stdin.flush()
        except BrokenPipeError as error:
            raise WorkerDied("the OCR worker exited") from error
        fd = self.proc.stdout.fileno()
        size = _HEADER.unpack(_read_exactly(fd, _HEADER.size, deadline))[0]
        answer: tuple[str, Any] = pickle.loads(_read_exactly(fd, size, deadline))
        return answer

    def kill(self) -> None:
        if self.owner == os.getpid() and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._close_pipes()

    def close(self) -> None:
        """Ask the child to exit (EOF on its stdin); kill it if it does not."""
        if self.owner != os.getpid():
            return
        self._close_pipes()
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()

    def _close_pipes(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None and not pipe.closed:
                with contextlib.suppress(OSError):
                    pipe.close()


def _read_exactly(fd: int, size: int, deadline: float) -> bytes:
    """``size`` bytes from ``fd``, or TimeoutError at ``deadline``, or WorkerDied on EOF."""
    chunks, missing = [], size
    while missing:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise TimeoutError("the OCR worker did not answer in time")
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            raise WorkerDied("the OCR worker exited")
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _serve(inbox: BinaryIO, outbox: BinaryIO) -> None:
    """The child's loop: one request at a time until the parent closes our stdin."""
    while True:
        header = inbox.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        target, args = pickle.loads(inbox.read(_HEADER.unpack(header)[0]))
        module, _, name = target.partition(":")
        try:
            answer: tuple[str, Any] = ("ok", getattr(importlib.import_module(module), name)(*args))
            payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:
            payload = _error_payload(error)
        outbox.write(_HEADER.pack(len(payload)) + payload)
        outbox.flush()


def _error_payload(error: Exception) -> bytes:
    try:
        return pickle.dumps(("error", error), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an exception that does not pickle still gets its message across
        message = f"{type(error).__name__}: {error}"
        return pickle.dumps(("error", RuntimeError(message)), protocol=pickle.HIGHEST_PROTOCOL)


def main() -> None:
    # The protocol owns the real stdout; anything a library prints goes to stderr instead.
    outbox = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    _serve(sys.stdin.buffer, outbox)


if __name__ == "__main__":
    main()

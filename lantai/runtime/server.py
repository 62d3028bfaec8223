"""The production web server (waitress, not Django's runserver) and the task worker beside it.

``lantai serve`` runs the WSGI app in waitress threads and keeps one ``lantai worker`` child
process running, so a single command gives a working installation; larger sites run more
workers with ``lantai worker`` on other machines against the same database.

Supervision (decisions):

- A watcher thread blocks in ``Popen.wait`` on the child, which reaps it the moment it exits
  (no zombie), then restarts it after a back-off that doubles from 1 s to 60 s and starts again
  from 1 s once a child has stayed up for a minute: a worker that dies at start-up (a broken
  database URL) is retried about once a minute instead of in a tight loop. Every restart is a
  warning on the console naming the exit code (or the signal that ended it).
- On exit (Ctrl+C, SIGTERM from systemd or docker) the watcher is told to stop first, then the
  child gets SIGTERM (it finishes its current task, see django-tasks-db's worker) and SIGKILL
  after 10 s. The child stays in the server's process group, so Ctrl+C reaches both; a child
  that exits within a second of the server stopping is not reported as a crash. A server
  killed outright (SIGKILL, the OOM killer) cannot stop its child, so the child watches its
  parent (``--exit-with-parent``) and stops by itself, finishing its current task first.
- ``/healthz`` asks :func:`supervised_worker` whether this process supervises a worker and
  whether it is up; between a crash and the restart it is down, and healthz says so. The
  heartbeats in the database (``lantai/ingest/worker.py``) are the truth across machines.
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import subprocess
import sys
import threading
import time

log = logging.getLogger("lantai.server")

WORKER_COMMAND = [
    sys.executable,
    "-m",
    "lantai",
    "worker",
    "--no-engine-notes",
    "--exit-with-parent",
]


def _describe(code: int) -> str:
    if code < 0:
        try:
            return f"被信号 {signal.Signals(-code).name} 终止"
        except ValueError:
            return f"被信号 {-code} 终止"
    return f"退出码 {code}"


class Supervisor:
    """Keep one child process running: reap it when it exits, restart it after a back-off."""

    SHUTDOWN_GRACE = 1.0

    def __init__(
        self,
        command: list[str],
        *,
        first_delay: float = 1.0,
        max_delay: float = 60.0,
        stable_after: float = 60.0,
        name: str = "任务 worker",
    ) -> None:
        self.command = command
        self.first_delay, self.max_delay, self.stable_after = first_delay, max_delay, stable_after
        self.name = name
        self.process: subprocess.Popen | None = None
        self.started = 0.0
        self.restarts = 0
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Supervisor:
        self._spawn()
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._thread.start()
        return self

    def _spawn(self) -> None:
        self.process = subprocess.Popen(self.command, env=os.environ.copy())
        self.started = time.monotonic()

    @property
    def alive(self) -> bool:
        process = self.process
        return process is not None and process.poll() is None and not self._stopping.is_set()

    def up_for(self) -> float:
        return time.monotonic() - self.started if self.alive else 0.0

    def _watch(self) -> None:
        delay = self.first_delay
        while not self._stopping.is_set():
            assert self.process is not None
            code = self.process.wait()
            # Ctrl+C reaches the child as well as the server: give the server a moment to
            # say it is stopping before calling the exit unexpected.
            grace = min(delay, self.SHUTDOWN_GRACE)
            if self._stopping.wait(grace):
                return
            if time.monotonic() - self.started >= self.stable_after:
                delay = self.first_delay
            log.warning(
                "%s（进程 %s）意外停止（%s），%.0f 秒后重启",
                self.name,
                self.process.pid,
                _describe(code),
                delay,
            )
            if self._stopping.wait(max(delay - grace, 0)):
                return
            self._spawn()
            self.restarts += 1
            delay = min(delay * 2, self.max_delay)

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=timeout)


_supervisor: Supervisor | None = None


def supervised_worker() -> Supervisor | None:
    """The worker this process supervises (``lantai serve``/``demo``), or None."""
    return _supervisor


def start_worker() -> Supervisor:
    global _supervisor
    _supervisor = Supervisor(WORKER_COMMAND).start()
    atexit.register(_supervisor.stop)
    return _supervisor


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(0)


def serve(host: str, port: int, threads: int, with_worker: bool = True) -> None:
    from lantai.wsgi import application

    # SIGTERM (systemd, docker, kill) ends the server like Ctrl+C, so atexit stops the worker.
    signal.signal(signal.SIGTERM, _exit)
    if with_worker:
        start_worker()
    from django.conf import settings

    from lantai.runtime.waitress_limit import create_server

    logging.basicConfig()  # as waitress.serve does; idempotent
    server = create_server(
        application,
        upload_max_bytes=settings.UPLOAD_MAX_BYTES,
        host=host,
        port=port,
        threads=threads,
        ident="lantai",
    )
    server.print_listen("Serving on http://{}:{}")
    server.run()

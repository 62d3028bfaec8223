"""The production web server (waitress, not Django's runserver) and the task worker beside it.

``lantai serve`` runs the WSGI app in waitress threads and starts ``lantai worker`` as a child
process, so a single command gives a working installation; larger sites run more workers with
``lantai worker`` on other machines against the same database.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys

from waitress import serve as waitress_serve


def start_worker() -> subprocess.Popen:
    command = [sys.executable, "-m", "lantai", "worker", "--no-engine-notes"]
    worker = subprocess.Popen(command, env=os.environ.copy())
    atexit.register(_stop, worker)
    return worker


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(0)


def serve(host: str, port: int, threads: int, with_worker: bool = True) -> None:
    from lantai.wsgi import application

    # SIGTERM (systemd, docker, kill) ends the server like Ctrl+C, so atexit stops the worker.
    signal.signal(signal.SIGTERM, _exit)
    if with_worker:
        start_worker()
    waitress_serve(application, host=host, port=port, threads=threads, ident="lantai")

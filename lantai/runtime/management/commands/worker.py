from __future__ import annotations

import argparse
import logging
import os
from typing import TextIO, cast

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from lantai.cli_base import LantaiCommand
from lantai.ingest.engines import startup_lines
from lantai.ingest.worker import LeasedWorker, new_worker_id

# django-tasks logs a line per task state change; they belong in a log file, not the console.
# lantai.worker (leases, expiries) goes there too, and its warnings to the console as well.
TASK_LOGGERS = ("django_tasks", "django_tasks_db", "lantai.worker")


def log_tasks_to_file() -> str:
    """Send the task loggers' INFO lines to LOG_DIR/worker.log; return the file's path."""
    settings.LOG_DIR.mkdir(parents=True, exist_ok=True)
    path = settings.LOG_DIR / "worker.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    for name in TASK_LOGGERS:
        logging.getLogger(name).addHandler(handler)
    logging.getLogger("lantai.worker").setLevel(logging.INFO)
    return str(path)


class Command(LantaiCommand):
    short_lived = False
    help = "启动一个任务 worker，从数据库任务队列取任务执行；可在多台机器上各启动若干个"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", action="store_true", help="处理完队列中现有任务后退出")
        # serve/demo start their worker with this: they have printed the notes themselves.
        parser.add_argument("--no-engine-notes", action="store_true", help=argparse.SUPPRESS)
        # serve's child: stop when serve is gone (lantai/runtime/server.py).
        parser.add_argument("--exit-with-parent", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options) -> None:
        log_tasks_to_file()
        if not options["no_engine_notes"]:
            for line in startup_lines():
                self.stdout.write(f"提示：{line}")
        # db_worker's own logging set-up (levels by verbosity), then its Worker with a lease
        # (lantai/ingest/worker.py) instead of calling the db_worker command.
        # An OutputWrapper is a text stream; django-stubs types the parameters as TextIO.
        out, err = cast(TextIO, self.stdout), cast(TextIO, self.stderr)
        DbWorkerCommand(stdout=out, stderr=err).configure_logging(options["verbosity"])
        worker = LeasedWorker(
            queue_names=["default"],
            interval=1,
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=None,
            worker_id=new_worker_id(),
            excluded_queue_names=[],
            parent_pid=os.getppid() if options["exit_with_parent"] else None,
        )
        worker.configure_signals()
        worker.run()

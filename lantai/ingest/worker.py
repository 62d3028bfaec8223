"""Task leases: a task whose worker died is retried or failed, and its files never stay behind.

django-tasks-db claims a task by marking it RUNNING and appending the worker's id to
``worker_ids``, and nothing ever looks at it again: a worker killed mid-task (``kill -9``, the
OOM killer, a power cut) left the task RUNNING forever, the staff page refreshing "正在处理"
for ever, and the upload and its unpacked copy on disk. django-tasks-db 0.13 has no lease or
heartbeat of its own, so Lantai adds the smallest thing that works, and keeps the library's
``Worker`` (claiming, running, recording) as it is. Decisions:

- **Lease = the worker's heartbeat.** :class:`LeasedWorker` subclasses django-tasks-db's
  ``Worker`` and only wraps ``run`` (register, sweep, start the heartbeat thread; unregister
  on the way out) and ``run_task`` (a scratch directory; cleanup). Each worker holds one
  :class:`~lantai.ingest.models.WorkerLease` row (worker id, host, PID, started, last beat)
  that a thread renews every ``WORKER_HEARTBEAT_SECONDS``. A thread, not the run loop, so the
  lease is renewed while a two-hour ingest is running. The RUNNING task's owner is the last
  id in its ``worker_ids``; no per-task lease is needed.
- **When is a worker gone?** On another machine: no beat for ``WORKER_LEASE_SECONDS``. On this
  machine (same host name and PID namespace) the process itself is asked: a PID that no
  longer exists (or is a zombie) is gone at once, so a worker restarted by ``serve`` picks up
  its predecessor's task in seconds; a live PID is trusted for five lease periods (PID reuse
  after a reboot must not pin a task for ever). The local check also keeps a worker whose
  heartbeat waits behind a long SQLite write lock from being judged dead by its neighbours.
  A RUNNING task whose worker has no lease row at all (a plain ``db_worker`` or a row already
  swept) is gone once it has run for a lease period: run workers with ``lantai worker``.
- **Retry or fail.** The attempt count is ``len(worker_ids)`` (one id per claim). Below
  ``TASK_MAX_ATTEMPTS`` (default 2: one retry, because a task that kills its worker, e.g. by
  running out of memory, must not take workers down again and again) the task goes back to
  READY; otherwise it is FAILED. Either way ``exception_class_path`` is :data:`LEASE_EXPIRED`
  and ``traceback`` holds a Chinese sentence naming the worker (host, PID, last beat) and the
  attempts, which the staff task page shows (:func:`lease_note`); a later success clears it.
  Ingest is safe to re-run: a batch is all-or-nothing (``rollback.recover``).
  Updates are conditional on the task still being RUNNING with the same ``started_at``, so two
  workers sweeping at once act once.
- **When the sweep runs.** At worker start-up, then on every heartbeat (every worker sweeps
  for all, so one surviving worker recovers the tasks of any dead one).
- **Files.** A task's scratch files go to ``TASK_TEMP_DIR/<task id>/`` (``tempfile.tempdir`` is
  pointed there while it runs: the zip and WARC sources unpack with ``tempfile.mkdtemp``), and
  an upload is the folder under ``UPLOAD_DIR`` a task argument points into. The scratch
  directory is removed after every run, and the upload once the task is finished: success,
  returned submission and exception (the task's own ``finally`` does it too), and a lease
  expiry that fails the task. A retried task keeps its upload: the next attempt needs it. At
  start-up, a worker removes scratch directories of tasks that are not RUNNING and upload
  folders no waiting or running task refers to; folders younger than ``ORPHAN_GRACE`` are kept
  unless a finished task names them, because a web request saves the upload before its
  transaction commits the task row (``lantai.ingest.scratch``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import tempfile
import threading
import time
import uuid
from typing import Protocol

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import is_locked_database_exception

from lantai.ingest.models import WorkerLease
from lantai.ingest.scratch import remove_files, scratch_dir, sweep_orphans, upload_folders

logger = logging.getLogger("lantai.worker")

LEASE_EXPIRED = "lantai.ingest.worker.LeaseExpired"
# A live PID on this machine is trusted for this many lease periods without a beat.
LOCAL_PATIENCE = 5
READY, RUNNING, FAILED = "READY", "RUNNING", "FAILED"


class LeaseExpired(Exception):
    """Recorded (as a class path) on a task whose worker stopped renewing its lease."""


def host_identity() -> tuple[str, str]:
    """(host name, PID namespace): where a PID means the same process."""
    try:
        space = os.readlink("/proc/self/ns/pid")
    except OSError:
        space = ""
    return socket.gethostname()[:255], space[:64]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not yet reaped by its parent) still answers kill(0)
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def new_worker_id() -> str:
    return get_random_string(32)


def lease_seconds() -> float:
    return float(settings.WORKER_LEASE_SECONDS)


def lease_gone(lease: WorkerLease, now: dt.datetime, here: tuple[str, str] | None = None) -> bool:
    here = here or host_identity()
    silent = (now - lease.beat_at).total_seconds()
    if (lease.host, lease.pid_space) == here:
        return not pid_alive(lease.pid) or silent > LOCAL_PATIENCE * lease_seconds()
    return silent > lease_seconds()


def beat(worker_id: str, started: dt.datetime) -> None:
    host, space = host_identity()
    WorkerLease.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": host,
            "pid_space": space,
            "pid": os.getpid(),
            "started_at": started,
            "beat_at": timezone.now(),
        },
    )


def fresh_heartbeat(now: dt.datetime | None = None) -> bool:
    """Whether any worker, on any machine, has renewed its lease within a lease period."""
    now = now or timezone.now()
    return WorkerLease.objects.filter(
        beat_at__gte=now - dt.timedelta(seconds=lease_seconds())
    ).exists()


def _local(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "未知时间"


def _who(lease: WorkerLease | None, task: DBTaskResult) -> str:
    if lease is None:
        return f"处理此任务的 worker（{task.worker_ids[-1][:8] if task.worker_ids else '未知'}）"
    last = _local(lease.beat_at)
    return f"处理此任务的 worker（主机 {lease.host}，进程 {lease.pid}，最后心跳 {last}）"


def sweep_expired(now: dt.datetime | None = None) -> list[str]:
    """Retry or fail every RUNNING task whose worker is gone; return their ids."""
    now = now or timezone.now()
    here = host_identity()
    leases = {lease.worker_id: lease for lease in WorkerLease.objects.all()}
    gone = {wid for wid, lease in leases.items() if lease_gone(lease, now, here)}
    handled = []
    running = list(
        DBTaskResult.objects.running().only("id", "worker_ids", "started_at", "args_kwargs")
    )
    for task in running:
        owner = task.worker_ids[-1] if task.worker_ids else None
        lease = leases.get(owner) if owner else None
        if lease is None:
            started = task.started_at or now
            if (now - started).total_seconds() <= lease_seconds():
                continue
        elif owner not in gone:
            continue
        if _expire(task, lease, now):
            handled.append(str(task.id))
    for worker_id in gone:
        WorkerLease.objects.filter(pk=worker_id, beat_at=leases[worker_id].beat_at).delete()
    return handled


def _expire(task: DBTaskResult, lease: WorkerLease | None, now: dt.datetime) -> bool:
    attempts, limit = len(task.worker_ids), settings.TASK_MAX_ATTEMPTS
    who = _who(lease, task)
    claimed = DBTaskResult.objects.filter(pk=task.pk, status=RUNNING, started_at=task.started_at)
    if attempts < limit:
        note = f"{who}中断，任务已重新排队，正在进行第 {attempts + 1} 次尝试（最多 {limit} 次）。"
        done = claimed.update(status=READY, exception_class_path=LEASE_EXPIRED, traceback=note)
        if done:
            remove_files(task, uploads=False)
            logger.warning(
                "任务 %s 的 worker 已失联，已重新排队（第 %d 次尝试）", task.pk, attempts + 1
            )
        return bool(done)
    reason = f"{who}停止响应，任务在 {attempts} 次尝试后仍未完成，已终止。"
    if upload_folders(task.args_kwargs):
        reason += "上传的文件已删除：请重新上传。"
    reason += "如反复出现，请系统管理员查看 worker 日志（logs/worker.log）。"
    done = claimed.update(
        status=FAILED,
        finished_at=now,
        exception_class_path=LEASE_EXPIRED,
        traceback=reason,
        return_value=None,
    )
    if done:
        remove_files(task, uploads=True)
        logger.warning("任务 %s 的 worker 已失联，已尝试 %d 次，任务标记为失败", task.pk, attempts)
    return bool(done)


def lease_note(task_id: str) -> str | None:
    """The sentence a lease expiry left on a task (retried or failed), for the staff page."""
    try:
        uuid.UUID(str(task_id))
    except ValueError:  # not a database task (the inline backend's ids are not UUIDs)
        return None
    row = (
        DBTaskResult.objects.filter(pk=task_id, exception_class_path=LEASE_EXPIRED)
        .exclude(status="SUCCESSFUL")
        .values_list("traceback", flat=True)
        .first()
    )
    return row or None


# --- the worker ------------------------------------------------------------------------------


class LeasedWorker(Worker):
    """django-tasks-db's worker, with a lease, a heartbeat thread and per-task scratch space."""

    def __init__(self, *, parent_pid: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.parent_pid = parent_pid
        self.started = timezone.now()
        self._stop = threading.Event()
        self._heart: threading.Thread | None = None

    def run(self) -> None:
        beat(self.worker_id, self.started)
        try:
            self.sweep()
            sweep_orphans()
            self._heart = threading.Thread(target=self._heartbeat, name="lease", daemon=True)
            self._heart.start()
            self._run_through_locks()
        finally:
            self._stop.set()
            if self._heart is not None:
                self._heart.join(timeout=settings.WORKER_HEARTBEAT_SECONDS + 5)
            WorkerLease.objects.filter(pk=self.worker_id).delete()

    def _run_through_locks(self) -> None:
        """The library's loop, restarted when a locked database escapes it.

        django-tasks-db catches "database is locked" around claiming a task but not around
        the ``BEGIN`` of that transaction: a writer holding SQLite's lock past the busy
        timeout (a long ingest commit) ended the worker, and nothing restarted it.
        """
        while True:
            try:
                super().run()
                return
            except OperationalError as error:
                if not self.running or not is_locked_database_exception(error):
                    raise
                logger.warning(
                    "数据库被其他进程长时间锁定（%s），%s 秒后重试", error, self.interval
                )
                close_old_connections()
                time.sleep(max(self.interval, 0.1))

    def sweep(self) -> None:
        try:
            sweep_expired()
        except Exception as error:  # a locked database now is no reason to stop the worker
            logger.warning("任务租约检查失败，下次心跳时重试：%s", error)

    def _heartbeat(self) -> None:
        try:
            while not self._stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
                close_old_connections()
                try:
                    beat(self.worker_id, self.started)
                except Exception as error:
                    logger.warning("worker 心跳写入失败，稍后重试：%s", error)
                self.sweep()
                self._stop_if_orphaned()
        finally:
            connection.close()

    def _stop_if_orphaned(self) -> None:
        """A supervised worker whose server died stops like on SIGTERM (current task first)."""
        if self.parent_pid is not None and os.getppid() != self.parent_pid:
            logger.warning("启动本 worker 的服务进程（%s）已不在，worker 随之停止", self.parent_pid)
            self.parent_pid = None
            os.kill(os.getpid(), signal.SIGTERM)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        scratch = scratch_dir(db_task_result.pk)
        scratch.mkdir(parents=True, exist_ok=True)
        previous, tempfile.tempdir = tempfile.tempdir, str(scratch)
        try:
            super().run_task(db_task_result)
        finally:
            tempfile.tempdir = previous
            # The library set the outcome on this instance; an upload waits only for a retry.
            remove_files(db_task_result, uploads=db_task_result.status in ("SUCCESSFUL", FAILED))


# --- health ----------------------------------------------------------------------------------


def tasks_waiting() -> bool:
    """Whether a task is due or running: something a worker ought to be doing."""
    return DBTaskResult.objects.ready().exists() or DBTaskResult.objects.running().exists()


class Supervised(Protocol):
    """What health needs of the server's worker supervisor (``lantai.runtime.server``)."""

    @property
    def alive(self) -> bool: ...

    def up_for(self) -> float: ...


def worker_health(supervised: Supervised | None) -> str:
    """``ok``, ``dead``, ``none`` (no worker anywhere, nothing waiting) or ``inline``.

    ``supervised`` is the :class:`lantai.runtime.server.Supervisor` of this process, if any.
    Decisions: a supervised child that is down is ``dead`` whatever the database says (this
    server promised a worker); otherwise a fresh heartbeat from any machine is ``ok``; with
    none, ``dead`` if a task is due or running (nothing will ever run it), else ``none`` — a
    site that runs no worker beside the web server (``serve --no-worker``, workers elsewhere,
    all stopped while idle) is healthy until work is waiting. A supervised child still starting
    (up for less than a lease period, no beat yet) is ``ok``.
    """
    if not settings.TASKS["default"]["BACKEND"].endswith("DatabaseBackend"):
        return "inline"  # tasks run in the request: there is no worker to miss
    if supervised is not None and not supervised.alive:
        return "dead"
    if fresh_heartbeat():
        return "ok"
    if supervised is not None and supervised.up_for() < lease_seconds():
        return "ok"
    return "dead" if tasks_waiting() else "none"

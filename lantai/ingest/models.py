"""The one table of the ingest app: who is running tasks, and whether they are still alive."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerLease(models.Model):
    """A running ``lantai worker``: renewed every few seconds by its heartbeat thread.

    A RUNNING task belongs to the worker named last in its ``worker_ids``; when that worker's
    lease has expired the task is retried or failed (``lantai/ingest/worker.py``). ``/healthz``
    reads the same rows: a fresh beat anywhere is a worker alive, on any machine.
    """

    worker_id = models.CharField(_("worker 标识"), max_length=64, primary_key=True)
    host = models.CharField(_("主机"), max_length=255)
    # The PID namespace (``/proc/self/ns/pid``): a PID is only meaningful inside it, so two
    # containers that share a host name never judge each other's workers by PID.
    pid_space = models.CharField(_("进程命名空间"), max_length=64, blank=True)
    pid = models.PositiveIntegerField(_("进程号"))
    started_at = models.DateTimeField(_("启动时间"))
    beat_at = models.DateTimeField(_("最近心跳"), db_index=True)

    class Meta:
        verbose_name = _("任务 worker")
        verbose_name_plural = _("任务 worker")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"

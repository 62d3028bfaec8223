"""Task leases: a worker killed mid-task loses nothing and leaves nobody guessing.

The first tests run the real ``lantai worker`` in child processes on their own SQLite data
directory and SIGKILL it in the middle of an upload's ingest (``LANTAI_FAULT_KILL_AFTER``); the
others drive the sweep in-process against the test database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks import task

from tests.factories import verified_login
from tests.ingest.builders import pdf_bytes, row, write_csv
from tests.processes import HOLD_WRITE_LOCK, run_lantai

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Children use the database queue, whatever the test run uses.
QUEUED = {"LANTAI_TASKS_INLINE": "0"}

ENQUEUE = """
import shutil, sys, uuid
from pathlib import Path
import django
django.setup()
from django.conf import settings
from lantai.ingest.tasks import ingest_upload
folder = Path(settings.UPLOAD_DIR) / uuid.uuid4().hex
folder.mkdir(parents=True)
target = folder / "移交.zip"
shutil.copy(sys.argv[1], target)
print(ingest_upload.enqueue(str(target), "J001", "", False, "user:archivist").id)
"""


def transfer_zip(tmp_path: Path) -> Path:
    folder = tmp_path / "移交"
    folder.mkdir()
    rows = [row(n) for n in (1, 2, 3)]
    for r in rows:
        (folder / r["文件名"]).write_bytes(pdf_bytes(r["题名"]))
    write_csv(folder / "目录.csv", rows)
    path = tmp_path / "移交.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(folder.rglob("*")):
            archive.write(file, file.relative_to(tmp_path).as_posix())
    return path


def enqueue_upload(data: Path, package: Path) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "LANTAI_DATABASE_URL"}
    environ.update(LANTAI_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="lantai.settings", **QUEUED)
    done = subprocess.run(
        [sys.executable, "-c", ENQUEUE, str(package)],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def task_row(data: Path, task_id: str) -> dict:
    with sqlite3.connect(data / "lantai.sqlite3") as db:
        db.row_factory = sqlite3.Row
        found = db.execute(
            "SELECT status, worker_ids, traceback, exception_class_path"
            " FROM django_tasks_database_dbtaskresult WHERE replace(id, '-', '') = ?",
            (task_id.replace("-", ""),),
        ).fetchone()
    return dict(found)


def leftovers(data: Path) -> list[str]:
    return [str(p.relative_to(data)) for d in ("uploads", "tmp") for p in (data / d).glob("*")]


@pytest.fixture
def archive_with_upload(tmp_path) -> tuple[Path, str]:
    """A data directory with fonds J001 and one upload waiting in the task queue."""
    data = tmp_path / "var"
    assert run_lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    return data, enqueue_upload(data, transfer_zip(tmp_path))


def kill_worker_mid_task(data: Path, **env: str) -> None:
    killed = run_lantai(data, "worker", "--batch", LANTAI_FAULT_KILL_AFTER="1", **QUEUED, **env)
    assert killed.returncode == -9, killed.stderr


def test_a_task_whose_worker_was_killed_is_retried_and_finishes(archive_with_upload):
    data, task_id = archive_with_upload
    kill_worker_mid_task(data)
    assert task_row(data, task_id)["status"] == "RUNNING"
    assert leftovers(data)  # the upload and the unpacked copy are still there

    rerun = run_lantai(data, "worker", "--batch", **QUEUED)
    assert rerun.returncode == 0, rerun.stderr
    task = task_row(data, task_id)
    assert task["status"] == "SUCCESSFUL"
    assert len(json.loads(task["worker_ids"])) == 2  # the killed attempt and the retry
    with sqlite3.connect(data / "lantai.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM archive_item").fetchone()[0] == 3
    assert leftovers(data) == []
    assert "重新排队" in (data / "logs" / "worker.log").read_text("utf-8")


def test_a_task_out_of_attempts_is_failed_with_the_reason_and_its_files_removed(
    archive_with_upload,
):
    data, task_id = archive_with_upload
    kill_worker_mid_task(data, LANTAI_TASK_MAX_ATTEMPTS="1")
    rerun = run_lantai(data, "worker", "--batch", LANTAI_TASK_MAX_ATTEMPTS="1", **QUEUED)
    assert rerun.returncode == 0, rerun.stderr
    task = task_row(data, task_id)
    assert task["status"] == "FAILED"
    assert task["exception_class_path"] == "lantai.ingest.worker.LeaseExpired"
    assert "停止响应" in task["traceback"] and "请重新上传" in task["traceback"]
    assert leftovers(data) == []


def test_a_running_worker_renews_its_lease_and_withdraws_it_on_exit(tmp_path):
    data = tmp_path / "var"
    assert run_lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    environ = {k: v for k, v in os.environ.items() if k != "LANTAI_DATABASE_URL"}
    environ.update(LANTAI_DATA_DIR=str(data), LANTAI_WORKER_HEARTBEAT_SECONDS="1", **QUEUED)
    worker = subprocess.Popen([sys.executable, "-m", "lantai", "worker"], env=environ)
    try:
        beats = []
        deadline = time.monotonic() + 60
        while len(set(beats)) < 2 and time.monotonic() < deadline:
            with sqlite3.connect(data / "lantai.sqlite3") as db:
                beats += [
                    beat
                    for (beat,) in db.execute(
                        "SELECT beat_at FROM ingest_workerlease WHERE pid = ?", (worker.pid,)
                    )
                ]
            time.sleep(0.5)
        assert len(set(beats)) >= 2, "the lease was not renewed"
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    with sqlite3.connect(data / "lantai.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM ingest_workerlease").fetchone()[0] == 0


# --- in-process: the sweep and the staff page -------------------------------------------------


@pytest.fixture
def queued(settings, tmp_path, transactional_db):
    settings.TASKS = DATABASE_BACKEND
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.TASK_TEMP_DIR = tmp_path / "tmp"
    return settings


def waiting_upload(settings) -> tuple[object, Path]:
    from lantai.ingest.tasks import ingest_upload

    folder = Path(settings.UPLOAD_DIR) / uuid.uuid4().hex
    folder.mkdir(parents=True)
    (folder / "移交.zip").write_bytes(b"PK")
    result = ingest_upload.enqueue(str(folder / "移交.zip"), "J001", "", False, "user:a")
    return result, folder


def claimed_by(task_id, worker_id: str, host: str, silent_for: dt.timedelta):
    from django_tasks_db.models import DBTaskResult

    from lantai.ingest.models import WorkerLease

    row = DBTaskResult.objects.get(pk=task_id)
    row.claim(worker_id)
    now = timezone.now()
    WorkerLease.objects.create(
        worker_id=worker_id,
        host=host,
        pid_space="pid:[1]",
        pid=4242,
        started_at=now - silent_for,
        beat_at=now - silent_for,
    )
    return row


def test_a_task_whose_remote_worker_fell_silent_is_retried(queued):
    from django_tasks_db.models import DBTaskResult

    from lantai.ingest.worker import sweep_expired

    result, folder = waiting_upload(queued)
    claimed_by(result.id, "w-remote", "档案馆另一台主机", dt.timedelta(minutes=5))
    assert sweep_expired() == [str(result.id)]
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "READY"
    assert "第 2 次尝试" in row.traceback
    assert folder.exists()  # the retry needs the upload


def test_a_task_whose_worker_still_beats_is_left_alone(queued):
    from django_tasks_db.models import DBTaskResult

    from lantai.ingest.worker import sweep_expired

    result, _ = waiting_upload(queued)
    claimed_by(result.id, "w-alive", "档案馆另一台主机", dt.timedelta(seconds=2))
    assert sweep_expired() == []
    assert DBTaskResult.objects.get(pk=result.id).status == "RUNNING"


def test_staff_see_why_a_task_failed_after_its_worker_vanished(client, archivist, queued):
    from lantai.ingest.worker import sweep_expired

    queued.TASK_MAX_ATTEMPTS = 1
    result, folder = waiting_upload(queued)
    claimed_by(result.id, "w-gone", "档案馆另一台主机", dt.timedelta(minutes=5))
    sweep_expired()
    assert not folder.exists()
    verified_login(client, archivist)
    page = client.get(f"/staff/ingest/task/{result.id}/").content.decode()
    assert "停止响应" in page and "档案馆另一台主机" in page and "请重新上传" in page
    assert "正在处理" not in page


def test_staff_see_that_a_task_is_being_retried(client, archivist, queued):
    from lantai.ingest.worker import sweep_expired

    result, _ = waiting_upload(queued)
    claimed_by(result.id, "w-gone", "档案馆另一台主机", dt.timedelta(minutes=5))
    sweep_expired()
    verified_login(client, archivist)
    page = client.get(f"/staff/ingest/task/{result.id}/").content.decode()
    assert "中断" in page and "第 2 次尝试" in page and "正在处理" in page


def aged(path: Path, minutes: int) -> Path:
    moment = time.time() - minutes * 60
    os.utime(path, (moment, moment))
    return path


def test_start_up_removes_orphaned_uploads_and_scratch_but_not_what_a_task_needs(queued):
    from django_tasks_db.models import DBTaskResult

    from lantai.ingest.scratch import sweep_orphans

    result, needed = waiting_upload(queued)
    aged(needed, 60)
    orphan = Path(queued.UPLOAD_DIR) / "orphan"
    orphan.mkdir()
    aged(orphan, 60)
    in_flight = Path(queued.UPLOAD_DIR) / "just-saved"
    in_flight.mkdir()
    finished, finished_upload = waiting_upload(queued)
    DBTaskResult.objects.filter(pk=finished.id).update(status="SUCCESSFUL")
    stale_scratch = Path(queued.TASK_TEMP_DIR) / str(finished.id)
    stale_scratch.mkdir(parents=True)
    aged(stale_scratch, 60)

    sweep_orphans()
    assert needed.exists() and in_flight.exists()
    assert not orphan.exists()
    assert not finished_upload.exists()  # its task is finished: no grace period
    assert not stale_scratch.exists()
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"


def test_a_worker_outlives_a_writer_that_holds_the_lock_past_the_busy_timeout(tmp_path):
    data = tmp_path / "var"
    assert run_lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    environ = {k: v for k, v in os.environ.items() if k != "LANTAI_DATABASE_URL"}
    environ.update(
        LANTAI_DATA_DIR=str(data),
        LANTAI_WORKER_HEARTBEAT_SECONDS="1",
        LANTAI_SQLITE_TIMEOUT="1",
        **QUEUED,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "lantai", "worker"], env=environ, stderr=subprocess.PIPE, text=True
    )
    database = data / "lantai.sqlite3"
    try:

        def leased() -> bool:
            with sqlite3.connect(database) as db:
                return bool(db.execute("SELECT COUNT(*) FROM ingest_workerlease").fetchone()[0])

        deadline = time.monotonic() + 60
        while not leased():
            assert time.monotonic() < deadline and worker.poll() is None
            time.sleep(0.2)
        holder = subprocess.run(
            [sys.executable, "-c", HOLD_WRITE_LOCK, str(database), "5"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert holder.stdout.strip() == "locked"
        assert worker.poll() is None, worker.stderr.read()
        package = transfer_zip(tmp_path)
        task_id = enqueue_upload(data, package)
        deadline = time.monotonic() + 90
        while task_row(data, task_id)["status"] != "SUCCESSFUL":
            assert time.monotonic() < deadline and worker.poll() is None, task_row(data, task_id)
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)


SCRATCH_SEEN: list[Path] = []


@task()
def unpack_and_finish(path: str, outcome: str) -> str:
    """A task shaped like an ingest: unpacks into a temporary directory, then ends."""
    scratch = Path(tempfile.mkdtemp(prefix="lantai-zip-"))
    (scratch / "正文.txt").write_text("解压出的副本", "utf-8")
    SCRATCH_SEEN.append(scratch)
    if outcome == "raise":
        raise RuntimeError("任务出错")
    return outcome


@pytest.mark.parametrize("outcome", ["return", "raise"])
def test_a_finished_task_leaves_neither_its_unpacked_copy_nor_its_upload(queued, outcome):
    from django_tasks_db.models import DBTaskResult

    from lantai.ingest.scratch import scratch_dir
    from lantai.ingest.worker import LeasedWorker, new_worker_id

    folder = Path(queued.UPLOAD_DIR) / uuid.uuid4().hex
    folder.mkdir(parents=True)
    (folder / "移交.zip").write_bytes(b"PK")
    result = unpack_and_finish.enqueue(str(folder / "移交.zip"), outcome)
    worker = LeasedWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=new_worker_id(),
        excluded_queue_names=[],
    )
    worker.run()
    status = DBTaskResult.objects.get(pk=result.id).status
    assert status == ("SUCCESSFUL" if outcome == "return" else "FAILED")
    assert SCRATCH_SEEN[-1].is_relative_to(scratch_dir(result.id))  # unpacked in its scratch
    assert not SCRATCH_SEEN[-1].exists() and not scratch_dir(result.id).exists()
    assert not folder.exists()

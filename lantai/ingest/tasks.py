"""Ingest as a task, so the staff UI can start a batch and follow it while a worker runs it."""

from __future__ import annotations

import shutil
from pathlib import Path

from django_tasks import task

from lantai.audit.context import acting_as


@task()
def ingest_upload(
    path: str, fonds_code: str, agency: str, check_only: bool, actor: str, cleanup: bool = True
) -> dict:
    """Run :func:`lantai.ingest.batch.ingest` on an uploaded submission; returns its report."""
    from lantai.ingest.batch import IngestError, ingest

    try:
        with acting_as(actor):
            report = ingest(path, fonds_code=fonds_code, agency=agency, check_only=check_only)
        return report.as_json()
    except IngestError as error:
        return {"status": "error", "error": str(error)}
    finally:
        if cleanup:
            shutil.rmtree(Path(path).parent, ignore_errors=True)


@task()
def attach_upload(
    path: str, fonds_code: str, append: bool, check_only: bool, actor: str, cleanup: bool = True
) -> dict:
    """Run :func:`lantai.ingest.attach.run.attach` on uploaded scans; returns its report."""
    from lantai.ingest.attach.run import attach
    from lantai.ingest.batch import IngestError

    try:
        with acting_as(actor):
            report = attach(path, fonds_code=fonds_code, append=append, check_only=check_only)
        return report.as_json()
    except IngestError as error:
        return {"status": "error", "error": str(error)}
    finally:
        if cleanup:
            shutil.rmtree(Path(path).parent, ignore_errors=True)

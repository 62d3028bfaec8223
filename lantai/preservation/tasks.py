"""The preservation app's task: write the package versions the outbox asks for."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_packages() -> int:
    """Write pending package versions (enqueued after each committing transaction)."""
    from lantai.preservation.packages import refresh_due

    return refresh_due()

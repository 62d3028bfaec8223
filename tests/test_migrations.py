"""Every model change ships with its migration: a model edited without ``makemigrations``
would pass every test (they build the schema from the migrations) and break on upgrade."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_missing_its_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(
            f"models changed without a migration (run lantai makemigrations):\n{out.getvalue()}"
        )
    assert "No changes detected" in out.getvalue()

"""`lantai demo` sets up a fresh data dir, loads the sample archive and serves it."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.management import call_command

from lantai.archive.models import Fonds, Item
from lantai.audit.verify import verify
from tests.processes import free_port, lantai_environ


def test_demo_loads_sample_archive_with_mixed_categories_and_scripts(db):
    call_command("demo", "--no-serve")
    assert Fonds.objects.count() >= 3
    items = Item.objects.all()
    assert items.count() >= 30
    assert {"WS", "ZP", "WY"} <= set(items.values_list("category", flat=True))
    assert items.filter(open_status="open").exists()
    assert items.filter(open_status="closed").exists()
    assert items.filter(open_status="unreviewed").exists()
    assert items.filter(text__contains="蘭臺").exists()  # some Traditional text
    assert verify().ok


def test_demo_is_idempotent(db):
    call_command("demo", "--no-serve")
    count = Item.objects.count()
    call_command("demo", "--no-serve")
    assert Item.objects.count() == count


@pytest.mark.timeout_sensitive
def test_demo_command_serves_healthz_from_a_fresh_data_dir(tmp_path):
    port = free_port()
    environ = lantai_environ(tmp_path / "var")
    process = subprocess.Popen(
        [sys.executable, "-m", "lantai", "demo", "--port", str(port)],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        status = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    status = r.status
                    break
            except OSError:
                time.sleep(0.5)
        assert status == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert "兰台区档案馆" in response.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=20)

"""Virus checks made mandatory: without ClamAV the batch is returned, saying ClamAV is needed."""

from __future__ import annotations

import pytest

from lantai.archive.models import Item
from lantai.env import SettingError, require_virus_check
from lantai.ingest.batch import ingest
from tests.processes import run_lantai

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_clamav(settings, tmp_path, monkeypatch):
    settings.STORAGE_DIR = tmp_path / "storage"
    monkeypatch.setenv("LANTAI_CLAMD", str(tmp_path / "no-clamd.ctl"))
    monkeypatch.delenv("LANTAI_REQUIRE_VIRUS_CHECK", raising=False)


def virus_checks(report) -> list[dict]:
    return [c for c in report.checks if c["code"] in ("4-1", "4-2")]


def test_required_virus_check_without_clamav_returns_the_batch(make_folder, fonds):
    report = ingest(make_folder(), fonds_code="J001", require_virus_check=True)
    assert report.status == "returned" and report.would_accept is False
    assert [c["passed"] for c in virus_checks(report)] == [None, None]  # not performed, not failed
    assert "需要安装并启动 ClamAV" in virus_checks(report)[0]["detail"]
    assert Item.objects.count() == 0


def test_the_setting_makes_the_virus_check_required(make_folder, fonds, monkeypatch):
    monkeypatch.setenv("LANTAI_REQUIRE_VIRUS_CHECK", "true")
    assert ingest(make_folder(), fonds_code="J001").status == "returned"


def test_by_default_a_missing_clamav_is_reported_but_does_not_return(make_folder, fonds):
    report = ingest(make_folder(), fonds_code="J001")
    assert report.status == "accepted"
    assert [c["passed"] for c in virus_checks(report)] == [None, None]


def test_a_bad_setting_names_the_variable():
    with pytest.raises(SettingError, match="LANTAI_REQUIRE_VIRUS_CHECK='maybe'"):
        require_virus_check({"LANTAI_REQUIRE_VIRUS_CHECK": "maybe"})


def test_the_command_option_returns_and_exits_non_zero(make_folder, tmp_path):
    data = tmp_path / "var"
    assert run_lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    done = run_lantai(
        data,
        "ingest",
        str(make_folder()),
        "--fonds",
        "J001",
        "--require-virus-check",
        LANTAI_CLAMD=str(tmp_path / "no-clamd.ctl"),
        COLUMNS="80",  # piped, as in CI: the 说明 column folds over several lines
    )
    assert done.returncode == 1
    details = "".join(
        line.split("│")[-2].strip() for line in done.stdout.splitlines() if line.count("│") > 1
    )
    assert "ClamAV" in details and "退回" in done.stdout

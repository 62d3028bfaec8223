"""件号 capacity (1-7): a batch whose numbers would pass the fonds' 件号 width is returned by
the check phase — so ``--check-only`` says so — with the command that widens it."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from lantai.archive.models import Item, RefCodeCounter
from lantai.archive.refcode import Grammar
from lantai.ingest.batch import ingest
from lantai.ingest.checks import CheckContext, run_checks
from lantai.ingest.sources import open_submission
from tests.ingest.builders import row

GROUP = "J001-WS·2020-Y-BGS"
WIDEN = "lantai fonds set J001 --number-width 5"


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path):
    settings.STORAGE_DIR = tmp_path / "storage"


def new_rows(count: int) -> list[dict[str, str]]:
    return [row(n, 档号="") | {"门类": "WS", "机构问题": "BGS"} for n in range(1, count + 1)]


def check(report, code: str) -> dict:
    return next(c for c in report.checks if c["code"] == code)


def test_a_group_needing_件号_10000_fails_1_7_at_check_only_naming_group_count_and_command(
    make_folder, fonds
):
    RefCodeCounter.objects.create(fonds=fonds, group=GROUP, last_number=9998)
    report = ingest(make_folder(rows=new_rows(3)), fonds_code="J001", check_only=True)
    assert report.status == "returned"
    detail = check(report, "1-7")["detail"]
    assert check(report, "1-7")["passed"] is False
    assert f"分组「{GROUP}」需新编 3 个件号" in detail
    assert "馆藏已编到 9998" in detail and "10001" in detail and "最大 9999" in detail
    assert WIDEN in detail


def test_a_group_that_just_fits_passes_1_7(make_folder, fonds):
    RefCodeCounter.objects.create(fonds=fonds, group=GROUP, last_number=9996)
    report = ingest(make_folder(rows=new_rows(3)), fonds_code="J001", check_only=True)
    assert check(report, "1-7")["passed"] is True, check(report, "1-7")["detail"]


def test_after_widening_the_batch_is_accepted_and_old_codes_stay_as_they_were(make_folder, fonds):
    held = Item.objects.create(
        fonds=fonds, ref_code=f"{GROUP}-9998", category="WS", year=2020, number=9998, title="旧"
    )
    RefCodeCounter.objects.create(fonds=fonds, group=GROUP, last_number=9998)
    call_command("fonds", "set", "J001", "--number-width", "5")
    report = ingest(make_folder(rows=new_rows(3)), fonds_code="J001")
    assert report.status == "accepted", [c for c in report.checks if c["passed"] is False]
    assert sorted(r["ref_code"] for r in report.records) == [
        f"{GROUP}-09999",
        f"{GROUP}-10000",
        f"{GROUP}-10001",
    ]
    held.refresh_from_db()
    assert held.ref_code == f"{GROUP}-9998"
    assert RefCodeCounter.objects.get(fonds=fonds, group=GROUP).last_number == 10001


def test_a_given_档号_whose_件号_is_too_long_is_told_to_widen_the_fonds(make_folder):
    folder = make_folder([row(1, 档号=f"{GROUP}-10000")])
    context = CheckContext(clamd="/x", defaults={"fonds": "J001"})
    results = {r.code: r for r in run_checks(open_submission(folder), context)}
    assert results["1-7"].passed is False
    assert "目录第 2 行" in results["1-7"].detail and WIDEN in results["1-7"].detail


def test_a_given_档号_moves_the_counter_before_the_rows_after_it_are_counted(make_folder):
    extra = {"门类": "WS", "机构问题": "BGS"}
    rows = [row(1, 档号=f"{GROUP}-9999") | extra, row(2, 档号="") | extra]
    context = CheckContext(clamd="/x", defaults={"fonds": "J001"}, group_max_number=lambda g: 0)
    results = {r.code: r for r in run_checks(open_submission(make_folder(rows)), context)}
    assert results["1-7"].passed is False
    assert "需新编 1 个件号" in results["1-7"].detail and "将编到 10000" in results["1-7"].detail


def test_a_code_held_at_the_old_width_is_a_duplicate_of_the_same_件号_at_the_new_width(
    make_folder,
):
    held = {f"{GROUP}-0001"}
    context = CheckContext(
        clamd="/x",
        grammar=Grammar(number_width=5),
        existing_ref_codes=lambda codes: held & set(codes),
    )
    folder = make_folder([row(1, 档号=f"{GROUP}-00001")])
    results = {r.code: r for r in run_checks(open_submission(folder), context)}
    assert results["1-7"].passed is True, results["1-7"].detail
    assert results["1-8"].passed is False
    assert f"{GROUP}-0001" in results["1-8"].detail and "件号相同" in results["1-8"].detail

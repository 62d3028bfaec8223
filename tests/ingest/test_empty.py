"""A submission with 0 items is returned; nothing about its absent content is "passed"."""

from __future__ import annotations

import pytest

from lantai.archive.models import TransferBatch
from lantai.ingest.batch import ingest
from lantai.ingest.checks import CheckContext, accepted, run_checks
from lantai.ingest.sources import open_submission

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path):
    settings.STORAGE_DIR = tmp_path / "storage"


def test_an_empty_catalogue_does_not_pass_1_11_2_1_or_2_7(make_folder):
    results = {
        r.code: r
        for r in run_checks(open_submission(make_folder(rows=[])), CheckContext(clamd="/x"))
    }
    for code in ("1-11", "2-1", "2-7"):
        assert results[code].passed is None, (code, results[code].detail)
        assert "没有任何条目" in results[code].detail
    assert not accepted(results.values())


def test_a_batch_of_0_items_is_returned_saying_why(make_folder, fonds):
    report = ingest(make_folder(rows=[]), fonds_code="J001")
    assert report.status == "returned" and report.items == 0
    [failed] = [c for c in report.checks if c["passed"] is False]
    assert failed["code"] == "1-12" and "空的提交包不能接收" in failed["detail"]
    assert TransferBatch.objects.get(code=report.batch).state == "returned"

"""1-8: a file whose content is already held in the fonds (an exact re-upload) is a duplicate."""

from __future__ import annotations

import pytest

from lantai.archive.models import Item
from lantai.ingest.batch import ingest
from lantai.ingest.checks import CheckContext, run_checks
from lantai.ingest.sources import open_submission
from tests.ingest.builders import pdf_bytes, row

pytestmark = pytest.mark.django_db(transaction=True)
DEFAULTS = {"category": "WS", "org": "BGS"}


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path):
    settings.STORAGE_DIR = tmp_path / "storage"


def unnumbered(make_folder, name: str, title: str = "第{n}号文件"):
    """A transfer without 档号 (numbers are allocated on receipt), as web and e-mail transfers
    arrive: re-sending it would otherwise be numbered and stored a second time."""
    rows = [row(n, 档号="", 题名=title.format(n=n)) for n in (1, 2)]
    return make_folder(rows, name=name)


def test_an_exact_re_upload_of_an_accepted_transfer_is_already_received(make_folder, fonds):
    first = ingest(unnumbered(make_folder, "一"), fonds_code="J001", defaults=DEFAULTS)
    again = ingest(unnumbered(make_folder, "二"), fonds_code="J001", defaults=DEFAULTS)
    assert again.already_received and again.batch == first.batch
    assert Item.objects.count() == 2


def test_a_re_upload_of_held_files_under_another_catalogue_is_returned_at_1_8(make_folder, fonds):
    first = ingest(unnumbered(make_folder, "一"), fonds_code="J001", defaults=DEFAULTS)
    assert first.status == "accepted"
    second = unnumbered(make_folder, "二", title="第{n}号文件（重发）")
    again = ingest(second, fonds_code="J001", defaults=DEFAULTS)
    assert again.status == "returned"
    check = next(c for c in again.checks if c["code"] == "1-8")
    assert check["passed"] is False
    assert "0001.pdf" in check["detail"] and "J001-WS·2020-Y-BGS-0001" in check["detail"]
    assert "0002.pdf" in check["detail"] and "J001-WS·2020-Y-BGS-0002" in check["detail"]
    assert Item.objects.count() == 2


def test_the_same_file_twice_in_one_submission_fails_1_8(make_folder):
    same = pdf_bytes()
    folder = make_folder([row(1), row(2)], {"0001.pdf": same, "0002.pdf": same})
    [check] = [
        r for r in run_checks(open_submission(folder), CheckContext(clamd="/x")) if r.code == "1-8"
    ]
    assert check.passed is False and "0002.pdf" in check.detail and "0001.pdf" in check.detail


def test_a_file_held_in_another_fonds_is_not_a_duplicate_here(make_folder, fonds, other_fonds):
    first = ingest(unnumbered(make_folder, "一"), fonds_code="J001", defaults=DEFAULTS)
    assert first.status == "accepted"
    elsewhere = ingest(unnumbered(make_folder, "二"), fonds_code="J002", defaults=DEFAULTS)
    assert next(c for c in elsewhere.checks if c["code"] == "1-8")["passed"] is True

"""`lantai ingest` as scripts meet it: one JSON document on stdout and an honest exit code."""

from __future__ import annotations

import json

import pytest

from tests.ingest.builders import row
from tests.processes import run_lantai

DOCUMENTED = {"batch", "status", "items", "files", "bytes", "checks", "records"}


@pytest.fixture
def data_dir(tmp_path):
    data = tmp_path / "var"
    assert run_lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    return data


def ingest_json(data_dir, folder, *options: str) -> tuple[int, dict]:
    done = run_lantai(data_dir, "ingest", str(folder), "--fonds", "J001", "--json", *options)
    return done.returncode, json.loads(done.stdout)  # the whole of stdout is one document


def test_check_only_of_a_submission_that_would_be_returned_exits_non_zero(make_folder, data_dir):
    folder = make_folder([row(1, 档号="J001-WS·20-Y-BGS-0001")])
    code, report = ingest_json(data_dir, folder, "--check-only")
    assert code != 0
    assert (report["status"], report["would_accept"], report["check_only"]) == (
        "returned",
        False,
        True,
    )
    assert report["batch"] is None and set(report) >= DOCUMENTED


def test_check_only_of_a_good_submission_exits_zero_and_would_accept(make_folder, data_dir):
    code, report = ingest_json(data_dir, make_folder(), "--check-only")
    assert code == 0
    assert report["would_accept"] is True and report["status"] == "checked"
    assert report["records"] == [] and report["batch"] is None


def test_json_of_an_accepted_batch_is_one_document_with_the_documented_keys(make_folder, data_dir):
    code, report = ingest_json(data_dir, make_folder())
    assert code == 0 and set(report) >= DOCUMENTED
    assert report["status"] == "accepted" and report["would_accept"] is True
    assert [r["files"] for r in report["records"]] == [["0001.pdf"], ["0002.pdf"], ["0003.pdf"]]
    check = report["checks"][0]
    assert set(check) == {"code", "property", "name", "passed", "detail"}


def test_json_of_an_error_is_still_one_json_document(make_folder, data_dir):
    done = run_lantai(data_dir, "ingest", str(make_folder()), "--fonds", "J404", "--json")
    assert done.returncode != 0
    assert json.loads(done.stdout)["status"] == "error"
    assert "J404" in json.loads(done.stdout)["error"] and "J404" in done.stderr

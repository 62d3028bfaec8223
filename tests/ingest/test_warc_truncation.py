"""A WARC cut in the middle of a record is returned, never accepted with the records before it."""

from __future__ import annotations

import pytest

from lantai.ingest.checks import CheckContext, run_checks
from lantai.ingest.sources import open_submission
from tests.ingest.test_warc_source import make_warc


@pytest.mark.parametrize("name", ["site.warc", "site.warc.gz"])
def test_a_warc_cut_at_70_percent_is_returned_at_2_7_naming_the_record(tmp_path, name):
    path = make_warc(tmp_path / name, gzip=name.endswith(".gz"))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 7 // 10])
    with open_submission(path) as submission:
        [problem] = submission.problems
        assert problem.code == "2-7" and problem.file == name
        assert "第 2 条记录" in problem.message and "截断" in problem.message
        assert "重新导出" in problem.message and "重新采集" in problem.message
        assert not submission.items
        context = CheckContext(clamd="/x", defaults={"fonds": "J001"})
        results = {r.code: r for r in run_checks(submission, context)}
    assert results["2-7"].passed is False


@pytest.mark.parametrize("gzip", [False, True])
def test_a_whole_warc_is_not_called_truncated(tmp_path, gzip):
    path = make_warc(tmp_path / ("s.warc.gz" if gzip else "s.warc"), gzip=gzip)
    with open_submission(path) as submission:
        assert not submission.problems and len(submission.items) == 1


def test_a_full_temp_disk_while_reading_a_warc_is_the_servers_fault_not_a_damaged_file(
    tmp_path, monkeypatch
):
    import errno

    from lantai.ingest.sources import warc as warc_source
    from lantai.sip.errors import ServerFault

    path = make_warc(tmp_path / "site.warc")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(warc_source.shutil, "copyfileobj", full)
    with pytest.raises(ServerFault) as fault:
        open_submission(path)
    message = str(fault.value)
    assert "服务器" in message and "未作检测" in message and "损坏" not in message

"""Every package records the audit head it was written after, so a log cut back past a package
is found from the package even when the checkpoint file is gone too."""

from __future__ import annotations

import pytest

from lantai.archive.models import Component
from lantai.audit.anchors import BAG_INFO_KEY, checkpoint_path
from lantai.audit.models import AuditEvent
from lantai.audit.verify import verify
from lantai.ingest.batch import ingest
from tests.audit.tamper import restore_guards, tamper

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path):
    settings.STORAGE_DIR = tmp_path / "storage"


@pytest.fixture
def intruder(transactional_db):
    """Raw SQL past the triggers; they are put back after the test (nothing is rolled back)."""
    yield tamper
    restore_guards()


def _bag_heads(storage) -> set[str]:
    heads = set()
    for path in Component.objects.values_list("stored_path", flat=True):
        bag = storage / "/".join(path.split("/")[:3])
        for line in (bag / "bag-info.txt").read_text("utf-8").splitlines():
            if line.startswith(BAG_INFO_KEY + ":"):
                heads.add(line.split(":", 1)[1].strip())
    return heads


def test_every_package_records_the_committed_audit_head_it_was_written_after(
    make_folder, fonds, settings
):
    assert ingest(make_folder(), fonds_code="J001").status == "accepted"
    (head,) = _bag_heads(settings.STORAGE_DIR)
    seq, digest = head.split()
    assert AuditEvent.objects.get(seq=seq).hash == digest
    ingested = AuditEvent.objects.filter(action="ingest").values_list("seq", flat=True)
    assert len(ingested) == 3 and min(ingested) > int(seq)
    result = verify()
    assert result.ok, result.breaks
    assert result.anchors["packages"] == 3


def test_a_log_cut_back_past_a_package_is_found_from_the_package(
    make_folder, fonds, settings, intruder
):
    assert ingest(make_folder(), fonds_code="J001").status == "accepted"
    (head,) = _bag_heads(settings.STORAGE_DIR)
    keep = AuditEvent.objects.get(seq=int(head.split()[0]) - 1)
    intruder("DELETE FROM audit_auditevent WHERE seq > %s", keep.seq)
    intruder("UPDATE audit_chainhead SET last_seq = %s, last_hash = %s", keep.seq, keep.hash)
    checkpoint_path().unlink()

    result = verify()

    package = [b for b in result.breaks if b.kind == "package"]
    assert len(package) == 1 and package[0].seq == keep.seq + 1
    assert package[0].message.startswith("3 个存档包（aip/")
    assert any(b.kind == "unrecorded" for b in result.breaks)

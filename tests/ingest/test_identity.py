"""A batch has an identity: a re-run of an accepted batch changes nothing, a failure mid-way
is undone chunk by chunk, and items of a batch still receiving are never public."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from lantai.archive.models import Item, RefCodeCounter, TransferBatch
from lantai.audit.models import AuditEvent
from lantai.audit.verify import verify
from lantai.ingest.batch import IngestError, ingest
from lantai.search.models import SearchOutbox
from tests.factories import make_item
from tests.ingest.builders import row

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path):
    settings.STORAGE_DIR = tmp_path / "storage"


def test_a_rerun_of_an_accepted_batch_says_already_received_and_changes_nothing(make_folder, fonds):
    folder = make_folder(rows=[row(n, 档号="") | {"门类": "WS", "机构问题": "BGS"} for n in (1, 2)])
    first = ingest(folder, fonds_code="J001")
    assert first.status == "accepted"
    events, counters = AuditEvent.objects.count(), list(RefCodeCounter.objects.values())

    again = ingest(folder, fonds_code="J001")

    assert again.already_received and again.batch == first.batch
    assert again.as_json()["already_received"] is True
    assert again.status == "accepted"
    assert Item.objects.count() == 2
    assert AuditEvent.objects.count() == events
    assert list(RefCodeCounter.objects.values()) == counters


def test_a_returned_batch_is_checked_again_when_rerun(make_folder, fonds):
    folder = make_folder()
    assert ingest(folder, fonds_code="J001", require_virus_check=True).status == "returned"
    assert ingest(folder, fonds_code="J001", require_virus_check=False).status == "accepted"
    assert Item.objects.count() == 3


def test_the_same_transfer_number_with_other_content_is_refused(make_folder, fonds):
    folder = make_folder(readme="移交批次号：YJ-2026-007\n")
    first = ingest(folder, fonds_code="J001")
    (folder / "说明文件.txt").write_text("移交批次号：YJ-2026-007\n移交单位：某局\n", "utf-8")
    with pytest.raises(IngestError, match=f"YJ-2026-007.*{first.batch}"):
        ingest(folder, fonds_code="J001")
    assert TransferBatch.objects.get(code=first.batch).transfer_number == "YJ-2026-007"
    assert Item.objects.count() == 3


def test_a_failure_in_a_later_chunk_undoes_the_earlier_chunks_and_their_numbers(
    make_folder, fonds, monkeypatch
):
    monkeypatch.setenv("LANTAI_INGEST_CHUNK", "2")
    from lantai.ingest import records

    real, calls = records.build_components, {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 3:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr("lantai.ingest.batch.build_components", failing)
    rows = [row(n, 档号="") | {"门类": "WS", "机构问题": "BGS"} for n in range(1, 6)]
    folder = make_folder(rows=rows)
    with pytest.raises(OSError):
        ingest(folder, fonds_code="J001")

    assert Item.objects.count() == 0 and SearchOutbox.objects.count() == 0
    assert set(RefCodeCounter.objects.values_list("last_number", flat=True)) <= {0}
    batch = TransferBatch.objects.get()
    assert batch.state == "aborted"
    assert AuditEvent.objects.filter(action="ingest_rolled_back").count() == 1
    assert verify().ok

    monkeypatch.setattr("lantai.ingest.batch.build_components", real)
    report = ingest(folder, fonds_code="J001")
    assert report.status == "accepted"
    assert min(r["ref_code"] for r in report.records) == "J001-WS·2020-Y-BGS-0001"


def test_items_of_a_batch_still_receiving_are_not_public(fonds):
    fonds.is_public = True
    fonds.save()
    batch = TransferBatch.objects.create(fonds=fonds, code="J001-R", state="receiving")
    item = make_item(fonds, open_status="open", batch=batch)
    assert not Item.objects.visible_to(AnonymousUser()).filter(pk=item.pk).exists()
    batch.state = "accepted"
    batch.save()
    assert Item.objects.visible_to(AnonymousUser()).filter(pk=item.pk).exists()


def test_serve_start_undoes_a_receiving_batch_and_schedules_pending_indexing(fonds, settings):
    from lantai.preservation import storage
    from lantai.runtime.management.commands.serve import catch_up

    batch = TransferBatch.objects.create(fonds=fonds, code="J001-CRASHED", state="receiving")
    make_item(fonds, batch=batch)
    storage.staging_dir(batch.code).mkdir(parents=True)
    catch_up()
    batch.refresh_from_db()
    assert batch.state == "aborted"
    assert not Item.objects.filter(batch=batch).exists()
    assert not storage.staging_dir(batch.code).exists()


def test_a_rerun_after_a_crash_after_commit_schedules_the_pending_indexing(make_folder, fonds):
    folder = make_folder()
    ingest(folder, fonds_code="J001")
    # What a kill -9 between commit and indexing leaves: committed rows, no task scheduled.
    SearchOutbox.objects.bulk_create(
        SearchOutbox(item_id=pk) for pk in Item.objects.values_list("pk", flat=True)
    )
    assert ingest(folder, fonds_code="J001").already_received
    assert SearchOutbox.objects.count() == 0  # applied by the indexer task (inline in tests)

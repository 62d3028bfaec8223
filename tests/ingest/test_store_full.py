"""A full archive store stops an ingest with the disk named and leaves the holdings as before."""

from __future__ import annotations

import errno

import pytest

from lantai.archive.models import Component, Item, TransferBatch
from lantai.ingest.batch import ingest
from lantai.preservation import aip, storage
from lantai.sip.errors import ServerFault

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def own_store(settings, tmp_path):
    """A store of this test's own: the run's shared store holds other tests' packages."""
    settings.STORAGE_DIR = tmp_path / "storage"


def stored_files() -> set:
    return {p for p in storage.store_root().rglob("*") if p.is_file() and p.name != "ingest.lock"}


def test_a_store_too_small_for_the_batch_is_refused_before_anything_is_written(
    make_folder, fonds, monkeypatch
):
    folder = make_folder()
    real = storage.shutil.disk_usage
    monkeypatch.setattr(storage.shutil, "disk_usage", lambda path: real(path)._replace(free=1000))
    with pytest.raises(ServerFault) as fault:
        ingest(folder, fonds_code="J001")
    message = str(fault.value)
    assert "档案存储所在磁盘空间不足" in message and str(storage.store_root()) in message
    assert "本批需约" in message and "重新导入" in message
    assert not TransferBatch.objects.exists() and not Item.objects.exists()
    assert stored_files() == set()


def test_a_disk_that_fills_while_storing_leaves_no_item_no_file_and_names_the_store(
    make_folder, fonds, monkeypatch
):
    folder = make_folder()
    copies = []
    real_copy = aip.copy_and_hash

    def fills_up(source, target, **kwargs):
        if copies:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        copies.append(target)
        return real_copy(source, target, **kwargs)

    monkeypatch.setattr(aip, "copy_and_hash", fills_up)
    with pytest.raises(ServerFault, match="档案存储所在磁盘空间不足"):
        ingest(folder, fonds_code="J001")
    assert not Item.objects.exists() and not Component.objects.exists()
    assert list(TransferBatch.objects.values_list("state", flat=True)) == ["aborted"]
    assert stored_files() == set()
    monkeypatch.undo()
    assert ingest(folder, fonds_code="J001").status == "accepted"  # nothing left in the way

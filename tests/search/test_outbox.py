"""The search outbox: written in the change's transaction, applied in order, never leaking."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection, transaction

from lantai.access.review import decide
from lantai.search.indexer import apply_outbox, get_index, rebuild_from_database
from lantai.search.models import SearchOutbox
from lantai.search.service import search_for
from tests.factories import make_item

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def deferred(monkeypatch):
    """Stop the inline task backend from applying on commit, as if no worker ran yet."""
    monkeypatch.setattr("lantai.search.outbox._defer_to_exit", True)


def test_saving_an_item_writes_an_outbox_row_in_the_same_transaction(fonds, deferred):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        make_item(fonds, title="回滚的文件")
        assert SearchOutbox.objects.count() == 1
        1 / 0  # noqa: B018
    assert SearchOutbox.objects.count() == 0


def test_committed_change_is_applied_by_the_task_after_commit(fonds, anonymous):
    make_item(fonds, title="防汛抗旱工作通知", open_status="open")
    assert SearchOutbox.objects.count() == 0  # the inline task ran on commit
    assert search_for(anonymous, "防汛抗旱").total == 1


def test_public_never_finds_closed_or_unreviewed_items(fonds, anonymous, deferred):
    make_item(fonds, title="独角兽档案甲", open_status="closed")
    make_item(fonds, title="独角兽档案乙")
    make_item(fonds, title="独角兽档案丙", open_status="open")
    apply_outbox()
    result = search_for(anonymous, "独角兽")
    assert [hit.title for hit in result.hits] == ["独角兽档案丙"]
    assert result.total == 1
    assert result.facets["fonds"] == {"J001": 1}


def test_closing_takes_effect_before_the_index_is_updated(fonds, anonymous, deferred):
    item = make_item(fonds, title="麒麟档案", open_status="open")
    apply_outbox()
    assert search_for(anonymous, "麒麟").total == 1
    decide(item, "closed", "涉及个人信息")
    assert SearchOutbox.objects.filter(hides=True).exists()  # not applied yet
    result = search_for(anonymous, "麒麟")
    assert (result.total, result.hits, result.facets["fonds"]) == (0, [], {})


def test_an_edited_description_of_a_record_without_text_is_excluded_until_reindexed(
    fonds, anonymous, deferred
):
    item = make_item(fonds, title="白泽档案", text="", description="旧摘要", open_status="open")
    apply_outbox()
    item.description = "新摘要写入的内容"
    item.save()
    assert SearchOutbox.objects.filter(item_id=item.pk, hides=True).exists()
    assert search_for(anonymous, "白泽").total == 0  # the old snippet is not served meanwhile


def test_closed_item_vanishes_for_a_search_in_another_process(fonds, deferred, tmp_path):
    item = make_item(fonds, title="凤凰档案", text="独有标记词貔貅", open_status="open")
    apply_outbox()
    decide(item, "closed", "延期开放")  # committed; the outbox is not applied
    environ = dict(os.environ, LANTAI_DATA_DIR=str(settings.INDEX_DIR.parent))
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        environ["LANTAI_DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        environ["LANTAI_DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    result = subprocess.run(
        [sys.executable, "-m", "lantai", "search", "貔貅", "--json"],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=True,
    )
    payload = json.loads(result.stdout)
    assert payload["total"] == 0 and payload["total_estimated"] is False
    assert payload["hits"] == []
    assert all(not counts for counts in payload["facets"].values())


def test_deleting_an_item_removes_it_from_the_index(fonds, archivist, deferred):
    item = make_item(fonds, title="待删除的草稿")
    apply_outbox()
    assert search_for(archivist, "待删除").total == 1
    item.package_versions.all().delete()  # a record with packages is protected
    item.delete()
    apply_outbox()
    assert search_for(archivist, "待删除").total == 0


def test_making_a_fonds_private_hides_its_open_items(fonds, anonymous, deferred):
    make_item(fonds, title="白泽档案", open_status="open")
    apply_outbox()
    fonds.is_public = False
    fonds.save()
    assert search_for(anonymous, "白泽").total == 0  # excluded while pending
    apply_outbox()
    assert search_for(anonymous, "白泽").total == 0  # and re-indexed without the token


def test_reindex_rebuilds_from_the_database(fonds, anonymous, deferred):
    make_item(fonds, title="重建索引测试", open_status="open")
    stats = rebuild_from_database()
    assert stats.records == 1
    assert SearchOutbox.objects.count() == 0
    assert search_for(anonymous, "重建").total == 1


def test_worker_rebuilds_an_index_of_an_older_schema_before_applying(
    fonds, anonymous, deferred, monkeypatch
):
    make_item(fonds, title="升级前的档案", open_status="open")
    apply_outbox()
    live = get_index()
    (live.root / live.generation / "lantai-schema.json").write_text('{"schema_version": 0}')
    live.close()
    monkeypatch.setattr("lantai.search.indexer._index", None)  # as after an upgrade's restart
    assert get_index().needs_rebuild
    make_item(fonds, title="升级后的档案", open_status="open")
    apply_outbox()
    assert not get_index().needs_rebuild
    assert search_for(anonymous, "升级").total == 2

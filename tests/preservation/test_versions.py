"""Versioned packages: every change that matters writes a new version beside the old ones,
never touching a written version; the newest version and the database agree, and
``lantai fixity`` checks both the files and that agreement."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from lantai.access.review import add_masks, decide
from lantai.archive.description import description_of
from lantai.archive.models import Item
from lantai.audit.context import acting_as
from lantai.ingest.batch import ingest
from lantai.preservation import outbox, packages, versions
from lantai.preservation.agreement import Problem, check
from lantai.preservation.models import PackageOutbox, PackageVersion
from tests.factories import make_item

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path):
    settings.STORAGE_DIR = tmp_path / "storage"


@pytest.fixture
def received(make_folder, fonds):
    ingest(make_folder(), fonds_code="J001")
    return Item.objects.order_by("ref_code").first()


def _digests(bag: Path) -> dict[str, str]:
    return {
        p.relative_to(bag).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(bag.rglob("*"))
        if p.is_file()
    }


def _problems(settings) -> list[Problem]:
    return [p for p in check(Path(settings.STORAGE_DIR)) if isinstance(p, Problem)]


def test_the_ingest_bag_is_version_one_and_holds_the_description(received, settings):
    (first,) = PackageVersion.objects.filter(item=received)
    assert first.number == 1 and first.path.startswith("aip/")
    metadata, sha256 = versions.read_metadata(Path(settings.STORAGE_DIR) / first.path)
    assert sha256 == first.metadata_sha256
    assert metadata["description"] == description_of(received)
    assert _problems(settings) == []


def test_an_edit_writes_version_two_beside_the_untouched_first(received, settings):
    root = Path(settings.STORAGE_DIR)
    first = PackageVersion.objects.get(item=received)
    before = _digests(root / first.path)
    received.title = "关于第1项工作的通知（更正）"
    received.save()
    second = PackageVersion.objects.get(item=received, number=2)
    assert second.path == f"versions/J001/{received.pk}/v0002"
    metadata, _ = versions.read_metadata(root / second.path)
    assert metadata["description"]["title"] == "关于第1项工作的通知（更正）"
    assert metadata["previous"] == {"path": first.path, "metadata_sha256": first.metadata_sha256}
    assert {f["path"] for f in metadata["files"]} == set(
        received.components.values_list("stored_path", flat=True)
    )
    assert _digests(root / first.path) == before  # the first version is as it was written
    assert (root / second.path / "data" / "metadata.json").stat().st_mode & 0o222 == 0
    assert _problems(settings) == []


def test_a_save_that_changes_nothing_writes_no_version(received):
    received.save()
    assert PackageVersion.objects.filter(item=received).count() == 1


def test_a_review_decision_and_a_mask_each_write_a_version_with_their_events(received, settings):
    with acting_as("user:reviewer"):
        add_masks(received, ["第1项"], "涉及个人信息")
        decide(Item.objects.get(pk=received.pk), "open", "已满期限")
    rows = packages.history(received, Path(settings.STORAGE_DIR))
    assert [r["version"] for r in rows] == [1, 2, 3]
    types = [e["eventType"] for e in rows[1]["events"]] + [
        e["eventType"] for e in rows[2]["events"]
    ]
    assert "redaction" in types and "policy assignment" in types
    newest, _ = versions.read_metadata(Path(settings.STORAGE_DIR) / rows[-1]["path"])
    assert newest["description"]["open_status"] == "open"
    assert newest["description"]["masks"][0]["term"] == "第1项"


def test_a_paper_record_gets_a_description_only_first_version(fonds, settings):
    item = make_item(fonds, title="一九八五年防汛通知", carrier="paper")
    (first,) = PackageVersion.objects.filter(item=item)
    assert first.path == f"versions/J001/{item.pk}/v0001"
    metadata, _ = versions.read_metadata(Path(settings.STORAGE_DIR) / first.path)
    assert metadata["files"] == [] and metadata["previous"] is None


def test_a_change_behind_the_packages_back_is_reported_by_the_agreement_check(received, settings):
    Item.objects.filter(pk=received.pk).update(title="悄悄改过的题名")  # no signal, no outbox
    (problem,) = _problems(settings)
    assert problem.name == received.ref_code and "不一致" in problem.problem
    call_command("aip", "refresh", "--all", stdout=io.StringIO())
    assert _problems(settings) == []


def test_an_edited_newest_version_is_reported(received, settings):
    received.title = "更正后的题名"
    received.save()
    second = PackageVersion.objects.get(item=received, number=2)
    path = Path(settings.STORAGE_DIR) / second.path / "data" / "metadata.json"
    path.chmod(0o644)
    data = json.loads(path.read_text("utf-8"))
    data["description"]["title"] = "伪造的题名"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    found = " ".join(p.problem for p in _problems(settings))
    assert "manifest" in found and "已被改动" in found and "不一致" in found


def test_a_removed_earlier_version_breaks_the_chain(received, settings):
    root = Path(settings.STORAGE_DIR)
    for title in ("第一次更正", "第二次更正"):
        received.title = title
        received.save()
    second = PackageVersion.objects.get(item=received, number=2)
    PackageVersion.objects.filter(pk=second.pk).update(metadata_sha256="0" * 64)
    found = " ".join(p.problem for p in _problems(settings))
    assert "版本链断开" in found
    assert (root / second.path).is_dir()


def test_an_unregistered_version_directory_is_a_break(received, settings):
    stray = Path(settings.STORAGE_DIR) / "versions" / "J001" / "999999" / "v0002"
    stray.mkdir(parents=True)
    assert any("未登记" in p.problem for p in _problems(settings))


def test_a_version_left_by_a_crash_before_commit_is_written_again(received, settings):
    """The bag was renamed into place but the transaction registering it never committed."""
    root = Path(settings.STORAGE_DIR)
    orphan = root / versions.version_path("J001", received.pk, 2)
    orphan.mkdir(parents=True)
    (orphan / "half-written").write_text("x")
    with transaction.atomic():  # the re-run: its task drains the outbox after the commit
        Item.objects.filter(pk=received.pk).update(title="崩溃前的修改")
        outbox.enqueue([received.pk])
    assert packages.refresh_due() == 0  # nothing left for a later run
    assert not (orphan / "half-written").exists()
    assert PackageVersion.objects.filter(item=received).count() == 2
    assert not PackageOutbox.objects.exists()
    assert _problems(settings) == []


def test_a_record_received_before_versions_gets_its_bag_adopted_as_version_one(received, settings):
    PackageVersion.objects.filter(item=received).delete()
    assert any("没有存档包版本" in p.problem for p in _problems(settings))
    call_command("aip", "refresh", "--all", stdout=io.StringIO())
    numbers = list(PackageVersion.objects.filter(item=received).values_list("number", "path"))
    assert numbers[0][0] == 1 and numbers[0][1].startswith("aip/")
    assert numbers[1][0] == 2  # its state now recorded in a version of its own
    assert _problems(settings) == []


def test_aip_show_lists_the_versions_and_events_as_json(received):
    received.title = "更正"
    received.save()
    out = io.StringIO()
    call_command("aip", "show", received.ref_code, "--json", stdout=out)
    shown = json.loads(out.getvalue())
    assert shown["ref_code"] == received.ref_code
    assert [v["version"] for v in shown["versions"]] == [1, 2]
    assert shown["versions"][1]["events"][-1]["eventType"] == "information package creation"


def test_staff_see_the_versions_on_the_record_page(client, archivist, received):
    from tests.factories import verified_login

    received.title = "更正后的题名"
    received.save()
    verified_login(client, archivist)
    page = client.get(f"/staff/items/J001/item/{received.pk}/").content.decode()
    assert "存档包版本" in page and f"versions/J001/{received.pk}/v0002" in page
    assert "information package creation" in page


def test_bulk_edits_renaming_a_series_and_filing_into_a_volume_reach_the_packages(
    archivist, fonds, settings
):
    from lantai.archive.models import Series
    from lantai.describing import bulk, scheme, volumes

    office = Series.objects.create(fonds=fonds, code="01", name="综合")
    items = [make_item(fonds, title=f"第{n}号通知", year=1990, series=office) for n in (1, 2)]
    ids = [i.pk for i in items]
    planned = bulk.plan(archivist, fonds, ids, "creator", "区政府办")
    bulk.apply(archivist, fonds, ids, "creator", "区政府办", planned.fingerprint)
    scheme.rename(fonds, office.pk, "02", "综合类")
    volumes.build(archivist, fonds, ids, "一九九〇年通知卷")
    for item in Item.objects.filter(pk__in=ids):
        newest = PackageVersion.objects.filter(item=item).order_by("-number").first()
        metadata, _ = versions.read_metadata(Path(settings.STORAGE_DIR) / newest.path)
        assert metadata["description"]["creator"] == "区政府办"
        assert metadata["description"]["series"] == "02"
        assert metadata["description"]["volume"] == item.volume.ref_code
    assert _problems(settings) == []


def test_lantai_fixity_fails_on_a_disagreement_and_names_the_record(received):
    Item.objects.filter(pk=received.pk).update(creator="悄悄改过")
    out = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("fixity", "--json", stdout=out)
    assert stopped.value.code == 1
    report = json.loads(out.getvalue())
    assert any(
        f["name"] == received.ref_code and "不一致" in f["problem"] for f in report["failures"]
    )

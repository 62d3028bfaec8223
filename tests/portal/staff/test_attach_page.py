"""数字化挂接 in the staff pages: an archivist uploads a zip of scans named by 档号, lands on the
batch's report with the records the scans went to, and can then open them on the record; an
archivist of another fonds cannot attach to this fonds' records."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lantai.archive.models import Component, TransferBatch
from tests.factories import make_item, make_user, verified_login
from tests.ingest.test_attach import scan

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path):
    settings.STORAGE_DIR = tmp_path / "storage"


def zipped(files: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return SimpleUploadedFile("扫描成果.zip", buffer.getvalue(), content_type="application/zip")


def test_an_archivist_attaches_a_zip_and_reads_the_batch_with_its_records(client, archivist, fonds):
    record = make_item(fonds, title="一九八五年会议记录")
    verified_login(client, archivist)
    package = zipped(
        {f"{record.ref_code.replace('·', '.')}_{n}.jpg": scan((n, n, n)) for n in (1, 2)}
    )
    response = client.post(
        "/staff/ingest/attach/", {"fonds": "J001", "package": package}, follow=True
    )
    body = response.content.decode()
    batch = TransferBatch.objects.get()
    assert response.redirect_chain[-1][0] == f"/staff/ingest/batch/{batch.code}/"
    assert "四性检测报告" in body and record.ref_code in body and "一九八五年会议记录" in body
    assert Component.objects.filter(item=record, role="master").count() == 2
    assert "作废" not in body  # an attaching batch is not voided like a transfer
    page = client.get(f"/staff/items/J001/item/{record.pk}/").content.decode()
    assert f"{record.ref_code.replace('·', '.')}_1.jpg" in page


def test_the_fonds_choice_holds_only_the_archivists_own_fonds(client, fonds, other_fonds):
    theirs = make_item(other_fonds, title="卫健局档案")
    verified_login(client, make_user("archivist_b", "archivist", fonds=[fonds]))
    assert "J002" not in client.get("/staff/ingest/attach/").content.decode()
    package = zipped({f"{theirs.ref_code}.jpg": scan()})
    response = client.post("/staff/ingest/attach/", {"fonds": "J002", "package": package})
    assert response.status_code == 200 and "J002" not in response.content.decode().split("<form")[0]
    assert not Component.objects.exists() and not TransferBatch.objects.exists()


def test_a_returned_run_shows_what_to_fix(client, archivist, fonds):
    verified_login(client, archivist)
    package = zipped({"J001-WS·2020-Y-BGS-0042.jpg": scan()})
    body = client.post(
        "/staff/ingest/attach/", {"fonds": "J001", "package": package}, follow=True
    ).content.decode()
    assert "没有档号为 J001-WS·2020-Y-BGS-0042 的档案" in body
    assert TransferBatch.objects.get().state == "returned" and not Component.objects.exists()

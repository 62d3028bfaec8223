"""Staff upload a transfer in the browser and read its 四性检测 report as a table."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lantai.archive.models import Item, TransferBatch
from tests.factories import make_user, verified_login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path):
    settings.STORAGE_DIR = tmp_path / "storage"


def zipped(folder: Path) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder.parent).as_posix())
    return SimpleUploadedFile("移交.zip", buffer.getvalue(), content_type="application/zip")


def test_archivist_uploads_a_zip_and_sees_the_report_table(client, archivist, make_folder):
    verified_login(client, archivist)
    response = client.post(
        "/staff/ingest/",
        {"fonds": "J001", "agency": "区政府办公室", "package": zipped(make_folder())},
        follow=True,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "四性检测报告" in body and "档号规范性检测" in body
    assert Item.objects.count() == 3
    assert TransferBatch.objects.get().state == "accepted"


def test_check_only_upload_changes_nothing(client, archivist, make_folder):
    verified_login(client, archivist)
    body = client.post(
        "/staff/ingest/",
        {"fonds": "J001", "package": zipped(make_folder()), "check_only": "on"},
        follow=True,
    ).content.decode()
    assert "仅检测" in body
    assert (Item.objects.count(), TransferBatch.objects.count()) == (0, 0)


def test_public_user_cannot_reach_the_upload_page(client, public):
    client.force_login(public)
    assert client.get("/staff/ingest/").status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    assert client.get("/staff/ingest/").status_code == 302


def test_archivist_of_another_fonds_cannot_read_the_batch(
    client, archivist, other_fonds, make_folder
):
    verified_login(client, archivist)
    client.post("/staff/ingest/", {"fonds": "J001", "package": zipped(make_folder())})
    code = TransferBatch.objects.get().code
    stranger = make_user("stranger", "archivist", fonds=[other_fonds])
    verified_login(client, stranger)
    assert client.get(f"/staff/ingest/batch/{code}/").status_code == 404

"""A masked word never reaches anyone outside the record's fonds — whatever field holds it,
however it is spelled, whoever asks, on every surface.

The matrix is fields × spellings × viewers, and every test walks every public surface (item
page, home page, search page with its snippets, JSON search API, catalogue CSV and XLSX,
sitemap, delivered file with its Content-Disposition name). One record of a public fonds is
opened by a reviewer who masks ``王伟华``; the word is planted in one field, spelled one way:

- plain; split by a space, by U+3000 (names padded to three characters: 王　伟　华) or by a
  line break (PDF and OCR text); in Traditional characters (王偉華, which search folds to the
  Simplified form).

A leak is the word in what the viewer receives (tags stripped, entities and JSON decoded,
headers URL-decoded) once whitespace and invisible characters are dropped, as written or in
search's folded form (:func:`lantai.text.normalise.fold_for_search`). The detector is
deliberately independent of the masking code it tests. Archivists and reviewers of ANOTHER fonds
and the three admin roles only ever get the public copy; staff of the record's own fonds read
it unmasked (the last tests).
"""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from lantai.access.review import add_masks, decide
from lantai.archive.models import Component
from lantai.search.indexer import apply_outbox
from lantai.text.normalise import fold_for_search
from tests.factories import make_item, make_user, verified_login

pytestmark = pytest.mark.django_db

WORD = "王伟华"
CONTEXT = "道路改造"  # a neutral word beside the masked one, so searches bring the record up
SPELLINGS = {
    "plain": "王伟华",
    "split by a space": "王 伟华",
    "split by U+3000": "王　伟　华",
    "split by a line break": "王伟\n华",
    "Traditional": "王偉華",
}
FIELDS = ["title", "creator", "doc_number", "topics", "description", "file_name", "body"]
VIEWERS = [
    "anonymous",
    "registered public",
    "archivist of another fonds",
    "reviewer of another fonds",
    "sysadmin",
    "secadmin",
    "auditor",
]


@pytest.fixture(autouse=True)
def _fast_passwords_and_own_storage(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGE_DIR = tmp_path / "storage"


def plant(fonds, field: str, spelled: str):
    """An opened record with ``spelled`` in ``field`` (and only there), masked by a reviewer."""
    values = {
        "title": f"关于{CONTEXT}的通知",
        "creator": "兰台区交通局",
        "doc_number": "兰交〔2000〕7号",
        "topics": [CONTEXT, "交通"],
        "description": "",
        "text": f"{CONTEXT}工程于年内完工。",
    }
    name = f"{CONTEXT}通知.txt"
    target = {"title": "title", "creator": "creator", "doc_number": "doc_number"}
    if field in target:
        values[field] = f"{CONTEXT}{spelled}通知" if field == "title" else spelled
    elif field == "topics":
        values["topics"] = [CONTEXT, spelled]
    elif field == "description":
        # No extracted text: the description is what search and the page publish.
        values["description"] = f"{CONTEXT}工程由{spelled}负责。"
        values["text"] = ""
    elif field == "body":
        values["text"] = f"{CONTEXT}工程由{spelled}负责，于年内完工。"
    elif field == "file_name":
        name = f"{CONTEXT}{spelled}.txt"
    item = make_item(fonds, year=1990, open_status="unreviewed", **values)
    stored = Path("aip") / f"{item.pk}.txt"
    path = Path(_storage()) / stored
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(item.text or CONTEXT, encoding="utf-8")
    component = Component.objects.create(
        item=item,
        role="master",
        original_name=f"附件/{name}",
        stored_path=str(stored),
        size=path.stat().st_size,
        mime_type="text/plain",
        sha256="0" * 64,
    )
    item = add_masks(item, [WORD], "涉及个人姓名")
    item = decide(item, "open", "已满二十五年，姓名已遮蔽")
    apply_outbox()
    return item, component


def _storage():
    from django.conf import settings

    return settings.STORAGE_DIR


@pytest.fixture
def viewer_login(client, fonds, other_fonds):
    def login(viewer: str) -> None:
        users = {
            "registered public": lambda: make_user("citizen"),
            "archivist of another fonds": lambda: make_user(
                "archivist2", "archivist", fonds=[other_fonds]
            ),
            "reviewer of another fonds": lambda: make_user(
                "reviewer2", "reviewer", fonds=[other_fonds]
            ),
            "archivist of the fonds": lambda: make_user("archivist", "archivist", fonds=[fonds]),
            "reviewer of the fonds": lambda: make_user("reviewer", "reviewer", fonds=[fonds]),
            **{role: (lambda role=role: make_user(role, role)) for role in VIEWERS[4:]},
        }
        if viewer != "anonymous":
            verified_login(client, users[viewer]())

    return login


def surfaces(client, item, component) -> dict[str, object]:
    ref = quote(item.ref_code)
    return {
        "item page": client.get(f"/item/{ref}"),
        "home page": client.get("/"),
        "search page": client.get("/search", {"q": CONTEXT}),
        "search page, asked for the word": client.get("/search", {"q": WORD}),
        "search page, by ref code": client.get("/search", {"q": f"ref:{item.ref_code}"}),
        "API search": client.get("/api/search", {"q": CONTEXT}),
        "API search, asked for the word": client.get("/api/search", {"q": WORD}),
        "catalogue CSV": client.get("/catalogue"),
        "catalogue XLSX": client.get("/catalogue", {"format": "xlsx"}),
        "sitemap": client.get("/sitemap.xml"),
        "delivered file": client.get(f"/item/{ref}/file/{component.pk}"),
        "review page": client.get(f"/staff/review/item/{item.pk}/"),
        "review queue": client.get("/staff/review/"),
    }


def readable(response, asked: str = "") -> str:
    """What a reader gets from ``response``: decoded, tags stripped, headers included."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(raw), read_only=True).active
        body = "\n".join(
            " | ".join(str(c or "") for c in r) for r in sheet.iter_rows(values_only=True)
        )
    elif "json" in kind:
        body = " | ".join(_strings(json.loads(raw)))
    else:
        body = raw.decode("utf-8", "replace")
        if "html" in kind or "xml" in kind:
            body = html.unescape(re.sub(r"<[^>]+>", "", body))
    if asked:
        body = body.replace(asked, "")  # the search box and page title echo the query
    headers = " | ".join(f"{k}: {unquote(v)}" for k, v in response.headers.items())
    return f"{body}\n{headers}"


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def leaks(client, item, component) -> list[str]:
    found = []
    for surface, response in surfaces(client, item, component).items():
        assert response.status_code != 500, f"{surface} answered 500"
        text = readable(response, WORD if "asked" in surface else "")
        where = occurrence(text)
        if where is not None:
            found.append(f"{surface}: …{where}…")
    return found


GAPS = re.compile(r"[\s\u00ad\u200b\u200c\u200d\u2060\ufeff]+")


def occurrence(text: str) -> str | None:
    """The context of the word in ``text`` (any spelling of SPELLINGS), or None."""
    squeezed = GAPS.sub("", text)
    for form in (squeezed, fold_for_search(squeezed)):
        for word in (WORD, "王偉華"):
            at = form.find(word)
            if at >= 0:
                return form[max(0, at - 15) : at + 18]
    return None


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("spelling", list(SPELLINGS))
@pytest.mark.parametrize("field", FIELDS)
def test_a_masked_word_never_reaches_anyone_outside_the_fonds(
    client, fonds, viewer_login, field, spelling, viewer
):
    item, component = plant(fonds, field, SPELLINGS[spelling])
    viewer_login(viewer)
    assert leaks(client, item, component) == []


@pytest.mark.parametrize("field", FIELDS)
def test_the_public_copy_still_shows_the_rest_of_the_field(client, fonds, field):
    """The matrix above must not pass by hiding the record: it is found, with the mask."""
    item, component = plant(fonds, field, SPELLINGS["split by a line break"])
    page = readable(client.get(f"/item/{quote(item.ref_code)}"))
    assert CONTEXT in page and "已遮蔽" in page
    assert client.get("/api/search", {"q": CONTEXT}).json()["total"] == 1
    copy = client.get(f"/item/{quote(item.ref_code)}/file/{component.pk}")
    assert copy.status_code == 200


@pytest.mark.parametrize("viewer", ["archivist of the fonds", "reviewer of the fonds"])
@pytest.mark.parametrize("field", FIELDS)
def test_staff_of_the_fonds_read_the_item_unmasked(client, fonds, viewer_login, field, viewer):
    item, component = plant(fonds, field, SPELLINGS["plain"])
    viewer_login(viewer)
    page = readable(client.get(f"/item/{quote(item.ref_code)}"))
    copy = readable(client.get(f"/item/{quote(item.ref_code)}/file/{component.pk}"))
    assert WORD in page + copy

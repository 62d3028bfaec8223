"""Every staff page (portal/staff/<feature>/) × every persona × records of another fonds.

The pages go through the one access policy: an archivist or reviewer sees their own fonds'
records only (another fonds' list or record is a 404, the answer for one that does not exist),
the three administrators read no record content at all (403; the system and security
administrators open the account pages, the system administrator alone the new-account form),
the public is refused and an anonymous visitor is sent to sign in. A closed record's title is
the probe: it must appear on its own fonds' pages for its own staff and nowhere else.
"""

from __future__ import annotations

import pytest

from lantai.archive.models import Component, Item, TransferBatch
from lantai.describing import volumes
from tests.factories import make_item, make_personas, verified_login

PERSONAS = (
    "archivist_a",
    "archivist_b",
    "reviewer_a",
    "reviewer_b",
    "sysadmin",
    "secadmin",
    "auditor",
    "public",
    "anonymous",
)
ADMINS = {"sysadmin", "secadmin", "auditor"}


@pytest.fixture
def world(fonds, other_fonds, settings, tmp_path):
    settings.STORAGE_DIR = tmp_path / "storage"
    settings.STORAGE_DIR.mkdir()
    closed = {
        f.code: make_item(
            f, title=f"{f.code}延期开放的人事任免", year=1980, open_status="unreviewed"
        )
        for f in (fonds, other_fonds)
    }
    users = make_personas(fonds, other_fonds)
    # Each fonds' closed record arrived with a transfer: the batch pages list it.
    for code, item in closed.items():
        batch = TransferBatch.objects.create(fonds=item.fonds, code=f"{code}-B1", state="accepted")
        Item.objects.filter(pk=item.pk).update(batch=batch)
        # …with a scanned original, which the review workbench shows to the fonds' reviewers.
        (settings.STORAGE_DIR / f"{code}.mp4").write_bytes(b"\x00\x00\x00\x18")
        Component.objects.create(
            item=item,
            original_name=f"data/{code}.mp4",
            stored_path=f"{code}.mp4",
            size=4,
            mime_type="video/mp4",
            sha256=f"{code:0>64}",
        )
        # …and a scanned PDF, whose pages the reviewers draw masked regions on.
        from tests.access.test_watermark import pdf_bytes

        (settings.STORAGE_DIR / f"{code}.pdf").write_bytes(pdf_bytes(pages=1, text=item.title))
        Component.objects.create(
            item=item,
            original_name=f"data/{code}.pdf",
            stored_path=f"{code}.pdf",
            size=1,
            mime_type="application/pdf",
            sha256=f"{code:1>64}",
        )
    # Each fonds' closed record filed in a volume titled after it: the volume pages show both.
    filed = {
        code: volumes.build(users[f"archivist_{ab}"], item.fonds, [item.pk], f"{item.title}卷")
        for (code, item), ab in zip(closed.items(), "ab", strict=True)
    }
    return {"closed": closed, "users": users, "volumes": filed}


def _pages(world) -> dict[str, tuple[str, str]]:
    """page name → (URL, the fonds whose record it shows; "" for a page of no one fonds)."""
    a, b = world["closed"]["J001"], world["closed"]["J002"]
    video = {x: x.components.get(mime_type="video/mp4").pk for x in (a, b)}
    pdf = {x: x.components.get(mime_type="application/pdf").pk for x in (a, b)}
    return {
        "item list A": ("/staff/items/J001/", "J001"),
        "item list B": ("/staff/items/J002/", "J002"),
        "item fonds": ("/staff/items/", ""),
        "review queue": ("/staff/review/", ""),
        "review item A": (f"/staff/review/item/{a.pk}/", "J001"),
        "review item B": (f"/staff/review/item/{b.pk}/", "J002"),
        "review file A": (f"/staff/review/item/{a.pk}/file/{video[a]}/", "J001"),
        "review file B": (f"/staff/review/item/{b.pk}/file/{video[b]}/", "J002"),
        "review page A": (f"/staff/review/item/{a.pk}/file/{pdf[a]}/page/1.jpg", "J001"),
        "review page B": (f"/staff/review/item/{b.pk}/file/{pdf[b]}/page/1.jpg", "J002"),
        "review pdf A": (f"/staff/review/item/{a.pk}/file/{pdf[a]}/", "J001"),
        "review pdf B": (f"/staff/review/item/{b.pk}/file/{pdf[b]}/", "J002"),
        "ingest upload": ("/staff/ingest/", ""),
        "attach upload": ("/staff/ingest/attach/", ""),
        "batch A": ("/staff/ingest/batch/J001-B1/", "J001"),
        "batch B": ("/staff/ingest/batch/J002-B1/", "J002"),
        "transfer register A": ("/staff/ingest/batch/J001-B1/register.pdf", "J001"),
        "transfer register B": ("/staff/ingest/batch/J002-B1/register.pdf", "J002"),
        "check report A": ("/staff/ingest/batch/J001-B1/report.xlsx", "J001"),
        "check report B": ("/staff/ingest/batch/J002-B1/report.xlsx", "J002"),
        "review register A": ("/staff/review/register.pdf?fonds=J001", "J001"),
        "review register B": ("/staff/review/register.xlsx?fonds=J002", "J002"),
        "renumber A": (f"/staff/items/J001/item/{a.pk}/renumber/", "J001"),
        "renumber B": (f"/staff/items/J002/item/{b.pk}/renumber/", "J002"),
        "filing catalogue A": ("/staff/items/J001/catalogue.xlsx", "J001"),
        "filing catalogue B": ("/staff/items/J002/catalogue.xlsx", "J002"),
        "item form A": (f"/staff/items/J001/item/{a.pk}/", "J001"),
        "item form B": (f"/staff/items/J002/item/{b.pk}/", "J002"),
        "series tree A": ("/staff/items/J001/series/", "J001"),
        "series tree B": ("/staff/items/J002/series/", "J002"),
        "fonds details A": ("/staff/items/J001/about/", "J001"),
        "fonds details B": ("/staff/items/J002/about/", "J002"),
        "register paper A": ("/staff/items/J001/register/", "J001"),
        "register paper B": ("/staff/items/J002/register/", "J002"),
        "volume list A": ("/staff/items/J001/volumes/", "J001"),
        "volume list B": ("/staff/items/J002/volumes/", "J002"),
        "volume A": (f"/staff/items/J001/volumes/{world['volumes']['J001'].pk}/", "J001"),
        "volume B": (f"/staff/items/J002/volumes/{world['volumes']['J002'].pk}/", "J002"),
        "volume contents A": (
            f"/staff/items/J001/volumes/{world['volumes']['J001'].pk}/contents.xlsx",
            "J001",
        ),
        "volume contents B": (
            f"/staff/items/J002/volumes/{world['volumes']['J002'].pk}/contents.xlsx",
            "J002",
        ),
        "account list": ("/staff/accounts/", ""),
        "account new": ("/staff/accounts/new/", ""),
        "account detail": (f"/staff/accounts/{world['users']['archivist_a'].pk}/", ""),
        "audit log": ("/staff/audit/", ""),
        "audit log csv": ("/staff/audit/?format=csv", ""),
        "audit verify": ("/staff/audit/verify/", ""),
    }


# The pages each fonds-scoped role may open (the others are 403: not their work).
MAY_OPEN = {
    "archivist": {
        "item list",
        "item fonds",
        "ingest upload",
        "attach upload",
        "batch",
        "transfer register",
        "check report",
        "renumber",
        "filing catalogue",
        "item form",
        "register paper",
        "series tree",
        "fonds details",
        "volume list",
        "volume",
        "volume contents",
    },
    "reviewer": {
        "item list",
        "item fonds",
        "review queue",
        "review item",
        "review file",
        "review page",
        "review pdf",
        "review register",
        "fonds details",
        "filing catalogue",
    },
}


def _xlsx_text(data: bytes) -> str:
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for s in book for row in s.iter_rows() for c in row)


def _pdf_text(data: bytes) -> str:
    import io

    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def _sign_in(client, world, persona: str) -> None:
    if persona == "anonymous":
        return
    user = world["users"][persona]
    if persona == "public":
        client.force_login(user)
    else:
        verified_login(client, user)


# The administrators read no record: the system and security administrators open the account
# pages, the auditor the audit log (三员分立).
ADMIN_MAY_OPEN = {
    "sysadmin": {"account list", "account new", "account detail"},
    "secadmin": {"account list", "account detail"},
    "auditor": {"audit log", "audit log csv", "audit verify"},
}


def _expected(persona: str, page: str, page_fonds: str) -> int:
    if persona == "anonymous":
        return 302
    if persona in ADMINS:
        return 200 if page in ADMIN_MAY_OPEN[persona] else 403
    if persona == "public":
        return 403
    role, own = persona.split("_")
    kind = page.removesuffix(" A").removesuffix(" B")
    if kind not in MAY_OPEN[role]:
        return 403
    own_code = {"a": "J001", "b": "J002"}[own]
    return 404 if page_fonds and page_fonds != own_code else 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_staff_page_answers_each_persona_as_the_policy_says(client, world, persona):
    _sign_in(client, world, persona)
    for page, (url, page_fonds) in _pages(world).items():
        response = client.get(url)
        assert response.status_code == _expected(persona, page, page_fonds), (persona, page)


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_staff_page_shows_a_record_of_a_fonds_the_persona_does_not_work_on(
    client, world, persona
):
    _sign_in(client, world, persona)
    own = {"a": "J001", "b": "J002"}.get(persona.partition("_")[2], "")
    for page, (url, _page_fonds) in _pages(world).items():
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if ".xlsx" in url and response.status_code == 200:
            body = _xlsx_text(body)
        if (".pdf" in url or page.startswith("review pdf")) and response.status_code == 200:
            body = _pdf_text(body)
        if url.endswith(".jpg"):  # a page image: no text to look for, but it must be refused
            assert response.status_code in (200, 302, 403, 404), (persona, page)
            continue
        body = body.decode() if isinstance(body, bytes) else body
        for code, record in world["closed"].items():
            if code != own:
                assert record.title not in body, (persona, page, code)

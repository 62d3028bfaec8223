"""Every staff action (a POST that changes the archive) × every persona, against fonds A (J001).

The pages' matrix (test_staff_pages.py) proves who reads what; this one proves who changes
what. Each action is posted with a payload that works — the fonds' own archivist or reviewer
changes the archive with it, so the test would notice an action that silently did nothing —
and for every other persona (the other fonds' staff, the wrong role, the three administrators,
the public, an anonymous visitor) the archive afterwards is exactly as before: its records,
series, volumes, fonds settings and batches. The other fonds' staff also try through their own
fonds' URLs with fonds A's record ids.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lantai.access.review import add_masks
from lantai.archive.models import Fonds, Item, Series, TransferBatch, Volume
from lantai.audit.context import acting_as
from lantai.describing import bulk, renumber, volumes
from tests.factories import make_item, make_personas, verified_login
from tests.portal.staff.test_register_paper import PAPER as REGISTERED
from tests.security.test_staff_pages import PERSONAS, _sign_in

pytestmark = pytest.mark.django_db

# A paper record as the registration page's own tests register it (personas: the pages matrix).
PAPER = {**REGISTERED, "doc_number": "", "topics": ""}


@pytest.fixture
def world(fonds, other_fonds):
    fonds.review_steps = 2  # fonds A reviews in two steps: a 复审 is one of its actions
    fonds.save()
    users = make_personas(fonds, other_fonds)
    target = make_item(fonds, title="一九九〇年职工调资审批表张明华", year=1990)
    with acting_as("user:archivist_a"):
        target = add_masks(target, ["张明华"], "个人姓名")
    pending = make_item(
        fonds,
        title="一九九一年会议纪要",
        year=1991,
        review_first={"decision": "open", "reason": "一般事务", "by": "user:someone", "at": "x"},
    )
    loose = [make_item(fonds, title=f"一九八九年通知{n}", year=1989) for n in range(2)]
    filed = make_item(fonds, title="一九八八年请示", year=1988)
    volume = volumes.build(users["archivist_a"], fonds, [filed.pk], "一九八八年请示卷")
    batch = TransferBatch.objects.create(fonds=fonds, code="J001-B1", state="accepted")
    wrong = make_item(fonds, title="误收的文件", year=2020)
    Item.objects.filter(pk=wrong.pk).update(batch=batch)
    office = Series.objects.create(fonds=fonds, code="01", name="综合")
    fingerprint = bulk.plan(
        users["archivist_a"], fonds, [target.pk], "creator", "区政府办"
    ).fingerprint
    parts = {**renumber.current_parts(target), "year": "1992"}
    edit = Client()
    verified_login(edit, users["archivist_a"])
    form = edit.get(f"/staff/items/J001/item/{target.pk}/").context["form"]
    edited = {
        name: ""
        if form.initial.get(name, f.initial) is None
        else str(form.initial.get(name, f.initial))
        for name, f in form.fields.items()
    }
    edited["title"] = "改过的题名"
    return {
        "users": users,
        "target": target,
        "pending": pending,
        "loose": loose,
        "volume": volume,
        "office": office,
        "fingerprint": fingerprint,
        "parts": parts,
        "edited": edited,
        "mask": target.masks[0]["id"],
    }


def _actions(w: dict[str, Any]) -> dict[str, tuple[str, str, dict]]:
    """action → (the role that may take it in its own fonds, URL, payload)."""
    t = w["target"]
    bulk_data = {"items": [t.pk], "action": "creator", "value": "区政府办"}
    return {
        "bulk edit": (
            "archivist",
            "/staff/items/J001/bulk/",
            {**bulk_data, "fingerprint": w["fingerprint"]},
        ),
        "bulk edit via own fonds": ("", "/staff/items/J002/bulk/", bulk_data),
        "edit record": ("archivist", f"/staff/items/J001/item/{t.pk}/", w["edited"]),
        "edit record via own fonds": ("", f"/staff/items/J002/item/{t.pk}/", w["edited"]),
        "register paper": ("archivist", "/staff/items/J001/register/", PAPER),
        "add series": (
            "archivist",
            "/staff/items/J001/series/new/",
            {"parent": w["office"].pk, "code": "02", "name": "人事"},
        ),
        "rename series": (
            "archivist",
            f"/staff/items/J001/series/{w['office'].pk}/rename/",
            {"code": "01", "name": "综合类"},
        ),
        "fonds settings": (
            "archivist",
            "/staff/items/J001/about/",
            {"name": "兰台区人民政府办公室（改）", "review_steps": "2", "is_public": "on"},
        ),
        "renumber": (
            "archivist",
            f"/staff/items/J001/item/{t.pk}/renumber/",
            {**w["parts"], "reason": "年度著录有误", "confirm": "1", "old_code": t.ref_code},
        ),
        "build volume": (
            "archivist",
            "/staff/items/J001/volumes/new/",
            {"items": [i.pk for i in w["loose"]], "confirm": "1", "title": "一九八九年通知卷"},
        ),
        "dissolve volume": (
            "archivist",
            f"/staff/items/J001/volumes/{w['volume'].pk}/dissolve/",
            {"reason": "组卷有误"},
        ),
        "void batch": (
            "archivist",
            "/staff/ingest/batch/J001-B1/void/",
            {"decision": "兰档发〔2026〕12号", "reason": "误收"},
        ),
        "review decide": (
            "reviewer",
            "/staff/review/decide/",
            {"items": [t.pk], "decision": "open", "reason": "已满三十年"},
        ),
        "review second": (
            "reviewer",
            f"/staff/review/item/{w['pending'].pk}/second/",
            {"action": "approve", "reason": "同意"},
        ),
        "review unmask": (
            "reviewer",
            f"/staff/review/item/{t.pk}/unmask/",
            {"masks": [w["mask"]], "reason": "已核实可公开"},
        ),
    }


ACTIONS = (
    "bulk edit",
    "bulk edit via own fonds",
    "edit record",
    "edit record via own fonds",
    "register paper",
    "add series",
    "rename series",
    "fonds settings",
    "renumber",
    "build volume",
    "dissolve volume",
    "void batch",
    "review decide",
    "review second",
    "review unmask",
)


def _state() -> list[Any]:
    """Everything an action could change, as plain rows."""
    return [
        list(Item.objects.order_by("pk").values()),
        list(Series.objects.order_by("pk").values()),
        list(Volume.objects.order_by("pk").values()),
        list(Fonds.objects.order_by("pk").values()),
        list(TransferBatch.objects.order_by("pk").values()),
    ]


def _may(persona: str, role: str) -> bool:
    return persona.endswith("_a") and persona.removesuffix("_a") == role


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_persona_changes_the_archive_through_an_action_it_may_not_take(client, world, persona):
    _sign_in(client, world, persona)
    before = _state()
    for action, (role, url, data) in _actions(world).items():
        if _may(persona, role):
            continue  # its own fonds' work: taken in the test below, each on a fresh archive
        response = client.post(url, data)
        # refused (403, 404), sent to sign in, or back to the page with a message
        assert response.status_code in (302, 403, 404), (persona, action)
        assert _state() == before, (persona, action, response.status_code)


@pytest.mark.parametrize("action", ACTIONS)
def test_the_fonds_own_staff_of_the_right_role_take_each_action(client, world, action):
    role, url, data = _actions(world)[action]
    persona = f"{role or 'archivist'}_a"
    _sign_in(client, world, persona)
    before = _state()
    response = client.post(url, data)
    if role:
        assert _state() != before, (persona, action, response.status_code)
    else:  # an action through another fonds' URL is no one's: refused to fonds A's staff too
        assert _state() == before, (persona, action, response.status_code)


def test_every_action_is_crossed(world):
    assert set(_actions(world)) == set(ACTIONS)

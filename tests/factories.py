"""Small builders for test data (plain functions; no factory library needed at this size)."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model
from django.db import transaction

from lantai.access.roles import assign_role
from lantai.archive.allocation import allocate
from lantai.archive.models import Fonds, Item

_counter = itertools.count(1)


def make_fonds(code: str, name: str, **fields) -> Fonds:
    return Fonds.objects.create(code=code, name=name, **fields)


def make_user(username: str, *roles: str, fonds=(), password: str = "pw-Lantai-2026"):
    user = get_user_model().objects.create_user(username, password=password)
    for role in roles:
        assign_role(user, role)
    for f in fonds:
        f.staff.add(user)
    return user


def make_item(fonds: Fonds, *, title: str | None = None, year: int = 2020, **fields) -> Item:
    parts = {"category": "WS", "year": str(year), "retention": "Y", "org": "BGS"}
    with transaction.atomic():
        ref_code = allocate(fonds, parts)[0]
        number = fonds.grammar.parse(ref_code).number
        return Item.objects.create(
            fonds=fonds,
            ref_code=ref_code,
            category="WS",
            year=year,
            org_code="BGS",
            number=number,
            retention="Y",
            title=title or f"测试文件{next(_counter)}",
            **fields,
        )

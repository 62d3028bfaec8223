"""Small builders for test data (plain functions; no factory library needed at this size)."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model
from django.db import transaction

from lantai.accounts.roles import assign_role
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


def make_personas(fonds_a: Fonds, fonds_b: Fonds) -> dict[str, object]:
    """One user per persona: archivist and reviewer of each fonds, the three administrators
    and a registered member of the public, keyed as the security tests name them."""
    return {
        "archivist_a": make_user("archivist_a", "archivist", fonds=[fonds_a]),
        "archivist_b": make_user("archivist_b", "archivist", fonds=[fonds_b]),
        "reviewer_a": make_user("reviewer_a", "reviewer", fonds=[fonds_a]),
        "reviewer_b": make_user("reviewer_b", "reviewer", fonds=[fonds_b]),
        "sysadmin": make_user("sysadmin", "sysadmin"),
        "secadmin": make_user("secadmin", "secadmin"),
        "auditor": make_user("auditor", "auditor"),
        "public": make_user("citizen"),
    }


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


def verified_login(client, user) -> None:
    """Sign ``user`` in as staff must: with a TOTP code, so the session is OTP-verified.

    ``client.force_login`` alone opens a password-only session, which staff pages and closed
    records refuse (lantai/accounts/totp.py); this gives the user a confirmed device if they have
    none and records it in the session as ``django_otp.login`` does after a valid code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="测试验证器", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

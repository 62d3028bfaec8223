"""Item.objects.visible_to(user) per persona (architecture §8)."""

from __future__ import annotations

import pytest

from lantai.archive.models import Item
from tests.factories import make_item, make_user


@pytest.fixture
def items(open_item, closed_item, unreviewed_item, fonds, other_fonds):
    controlled = make_item(fonds, title="控制使用", open_status="controlled")
    elsewhere_open = make_item(other_fonds, title="其他全宗开放", open_status="open")
    elsewhere_closed = make_item(other_fonds, title="其他全宗延期", open_status="closed")
    return {
        "open": open_item,
        "closed": closed_item,
        "unreviewed": unreviewed_item,
        "controlled": controlled,
        "elsewhere_open": elsewhere_open,
        "elsewhere_closed": elsewhere_closed,
    }


def visible(user) -> set[str]:
    return set(Item.objects.visible_to(user).values_list("title", flat=True))


def test_anonymous_public_sees_only_open_items(anonymous, items):
    assert visible(anonymous) == {"公开的道路改造通知", "其他全宗开放"}


def test_registered_public_user_cannot_see_closed_item(public, items):
    assert items["closed"].title not in visible(public)
    assert visible(public) == {"公开的道路改造通知", "其他全宗开放"}


def test_public_never_sees_items_of_a_non_public_fonds(anonymous, items, other_fonds):
    other_fonds.is_public = False
    other_fonds.save()
    assert visible(anonymous) == {"公开的道路改造通知"}


def test_archivist_sees_everything_in_assigned_fonds_and_only_open_elsewhere(archivist, items):
    assert visible(archivist) == {
        "公开的道路改造通知",
        "延期开放的人事任免通知",
        "尚未审核的会议纪要",
        "控制使用",
        "其他全宗开放",
    }


def test_reviewer_sees_closed_and_unreviewed_items_in_assigned_fonds(reviewer, items):
    seen = visible(reviewer)
    assert {"延期开放的人事任免通知", "尚未审核的会议纪要"} <= seen
    assert "其他全宗延期" not in seen


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditor"])
def test_admin_roles_see_no_more_records_than_the_public(persona, items, request):
    user = request.getfixturevalue(persona)
    assert visible(user) == {"公开的道路改造通知", "其他全宗开放"}


def test_inactive_archivist_sees_only_public_records(archivist, items):
    archivist.is_active = False
    archivist.save()
    assert visible(archivist) == {"公开的道路改造通知", "其他全宗开放"}


def test_visible_queryset_has_no_duplicates_with_several_staff(fonds, items):
    for name in ("a1", "a2", "a3"):
        make_user(name, "archivist", fonds=[fonds])
    archivist = make_user("a4", "archivist", fonds=[fonds])
    qs = Item.objects.visible_to(archivist)
    assert qs.count() == len(set(qs.values_list("pk", flat=True)))


def test_fonds_work_is_a_permission_only_the_fonds_scoped_roles_carry():
    from lantai.accounts.roles import ROLES
    from lantai.archive.visibility import FONDS_WORK_PERMISSION

    carriers = {code for code, role in ROLES.items() if FONDS_WORK_PERMISSION in role.permissions}
    assert carriers == {"archivist", "reviewer"}
    assert not any(ROLES[code].admin for code in carriers)


def test_assigned_fonds_are_the_users_own_and_none_for_the_public(
    archivist, public, anonymous, fonds, other_fonds, sysadmin
):
    from lantai.archive.models import Fonds

    assert list(Fonds.objects.assigned_to(archivist)) == [fonds]
    assert not Fonds.objects.assigned_to(public).exists()
    assert not Fonds.objects.assigned_to(anonymous).exists()
    assert not Fonds.objects.assigned_to(sysadmin).exists()


@pytest.mark.parametrize(
    "persona", ["archivist", "reviewer", "sysadmin", "secadmin", "auditor", "public", "anonymous"]
)
def test_a_fonds_list_for_anyone_is_exactly_what_the_policy_lets_them_see_of_it(
    request, fonds, other_fonds, persona
):
    user = request.getfixturevalue(persona)
    for f in (fonds, other_fonds):
        make_item(f, title=f"{f.code}未审档案")
        make_item(f, title=f"{f.code}开放档案", open_status="open")
    for f in (fonds, other_fonds):
        for verified in (True, False):
            if persona != "anonymous":  # a session with and without its TOTP step
                user.is_verified = lambda verified=verified: verified
            listed = set(Item.objects.of_fonds_for(user, f))
            assert listed == set(Item.objects.visible_to(user).filter(fonds=f)), (f.code, verified)

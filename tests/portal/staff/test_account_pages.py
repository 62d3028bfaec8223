"""Account administration under 三员分立, in the portal: each administrator does their own part,
nobody acts on their own account or on an administrator's, every action is audited."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from lantai.accounts import manage, throttle
from lantai.accounts.models import PendingPasswordChange
from lantai.accounts.roles import role_codes
from lantai.audit.models import AuditEvent
from tests.factories import make_user, verified_login

User = get_user_model()


@pytest.fixture
def staff(fonds):
    return make_user("wang", "archivist", fonds=[fonds])


def _actions(user) -> list[str]:
    return [e.action for e in AuditEvent.objects.filter(object_id=str(user.pk)).order_by("seq")]


def test_the_system_administrator_creates_an_account_with_a_temporary_password_and_no_role(
    client, sysadmin
):
    verified_login(client, sysadmin)
    response = client.post(
        "/staff/accounts/new/", {"username": "li", "full_name": "李明", "email": "li@example.cn"}
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    created = User.objects.get(username="li")
    temporary = response.context["temporary"]
    assert created.check_password(temporary) and role_codes(created) == set()
    assert PendingPasswordChange.objects.filter(user=created).exists()
    assert "account_created" in _actions(created)


def test_a_new_account_name_already_taken_in_another_case_is_refused(client, sysadmin, staff):
    verified_login(client, sysadmin)
    response = client.post("/staff/accounts/new/", {"username": "WANG"})
    assert "已存在" in response.context["error"]
    assert User.objects.filter(username__iexact="wang").count() == 1


def test_a_reset_forces_totp_re_enrolment_and_notifies_the_user(client, sysadmin, staff):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    staff.email = "wang@example.cn"
    staff.save()
    verified_login(client, staff)  # gives the account a confirmed device
    assert TOTPDevice.objects.filter(user=staff).exists()
    client.logout()
    verified_login(client, sysadmin)
    response = client.post(f"/staff/accounts/{staff.pk}/reset/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    staff.refresh_from_db()
    assert staff.check_password(response.context["temporary"])
    assert not TOTPDevice.objects.filter(user=staff).exists()
    (notice,) = mail.outbox
    assert notice.to == ["wang@example.cn"] and "sysadmin" in notice.body
    assert (
        response.context["temporary"] not in notice.body
    )  # the password is handed over, not mailed
    assert {"password_reset", "account_reset_notified"} <= set(_actions(staff))


def test_disabling_an_account_ends_its_sessions_and_stops_sign_in(client, sysadmin, staff):
    from django.test import Client

    theirs = Client()
    verified_login(theirs, staff)
    assert theirs.get("/staff/items/").status_code == 200
    verified_login(client, sysadmin)
    client.post(f"/staff/accounts/{staff.pk}/disable/")
    staff.refresh_from_db()
    assert not staff.is_active and "account_disabled" in _actions(staff)
    assert theirs.get("/staff/items/").status_code == 302  # signed out
    client.post(f"/staff/accounts/{staff.pk}/enable/")
    staff.refresh_from_db()
    assert staff.is_active


def test_unlocking_lifts_the_login_throttle(client, sysadmin, staff, settings):
    for _ in range(settings.LOGIN_FAILURES_PER_USER):
        throttle.record_failure("wang", "10.0.0.9")
    assert manage.is_locked(staff)
    verified_login(client, sysadmin)
    client.post(f"/staff/accounts/{staff.pk}/unlock/")
    assert not manage.is_locked(staff) and "account_unlocked" in _actions(staff)


def test_the_security_administrator_grants_roles_and_fonds(
    client, secadmin, staff, fonds, other_fonds
):
    verified_login(client, secadmin)
    client.post(f"/staff/accounts/{staff.pk}/roles/", {"roles": ["archivist", "reviewer"]})
    client.post(f"/staff/accounts/{staff.pk}/fonds/", {"fonds": ["J002"]})
    staff = User.objects.get(pk=staff.pk)
    assert role_codes(staff) == {"archivist", "reviewer"}
    assert [f.code for f in staff.assigned_fonds.all()] == ["J002"]
    assert {"roles_changed", "fonds_assigned"} <= set(_actions(staff))


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_an_administrator_role_cannot_be_granted_in_the_browser(client, secadmin, staff, role):
    verified_login(client, secadmin)
    client.post(f"/staff/accounts/{staff.pk}/roles/", {"roles": [role]})
    assert role_codes(User.objects.get(pk=staff.pk)) == {"archivist"}


# Who may do what: every administrator × every action × own account, another admin, staff.

ACTIONS = {
    "create": lambda actor, target: manage.create_account(actor, "newbie"),
    "disable": lambda actor, target: manage.set_active(actor, target, False),
    "unlock": lambda actor, target: manage.unlock(actor, target),
    "reset": lambda actor, target: manage.reset_password(actor, target),
    "roles": lambda actor, target: manage.set_roles(actor, target, {"reviewer"}),
    "fonds": lambda actor, target: manage.set_fonds(actor, target, {"J002"}),
}
MAY = {"sysadmin": {"create", "disable", "unlock", "reset"}, "secadmin": {"roles", "fonds"}}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize(
    "actor_role", ["sysadmin", "secadmin", "auditor", "archivist", "reviewer", "public"]
)
def test_each_role_may_do_only_its_own_part_to_a_business_account(
    fonds, other_fonds, actor_role, action
):
    actor = make_user("actor", *([] if actor_role == "public" else [actor_role]), fonds=[fonds])
    target = make_user("target", "archivist", fonds=[fonds])
    if action in MAY.get(actor_role, set()):
        ACTIONS[action](actor, target)
    else:
        with pytest.raises(manage.AccountRefused):
            ACTIONS[action](actor, target)
        assert not User.objects.filter(username="newbie").exists()


@pytest.mark.parametrize("action", sorted(set(ACTIONS) - {"create"}))
@pytest.mark.parametrize("actor_role", ["sysadmin", "secadmin"])
@pytest.mark.parametrize("target_role", ["self", "sysadmin", "secadmin", "auditor"])
def test_no_administrator_acts_on_their_own_or_another_administrators_account(
    fonds, other_fonds, actor_role, action, target_role
):
    actor = make_user("actor", actor_role)
    target = actor if target_role == "self" else make_user("target", target_role)
    before = (target.password, target.is_active, set(role_codes(target)))
    with pytest.raises(manage.AccountRefused):
        ACTIONS[action](actor, target)
    target = User.objects.get(pk=target.pk)
    target.__dict__.pop("_lantai_roles", None)
    assert (target.password, target.is_active, set(role_codes(target))) == before


def test_a_crafted_post_gets_the_same_refusal_as_a_missing_button(client, sysadmin, staff):
    verified_login(client, sysadmin)
    client.post(f"/staff/accounts/{staff.pk}/roles/", {"roles": ["reviewer"]})
    client.post(f"/staff/accounts/{sysadmin.pk}/fonds/", {"fonds": ["J001"]})
    assert role_codes(User.objects.get(pk=staff.pk)) == {"archivist"}
    assert not sysadmin.assigned_fonds.exists()


@pytest.mark.parametrize("role", ["auditor", "archivist", "reviewer"])
def test_the_account_pages_are_closed_to_everyone_but_the_two_account_administrators(
    client, fonds, role
):
    verified_login(client, make_user("someone", role, fonds=[fonds]))
    assert client.get("/staff/accounts/").status_code == 403
    assert client.post("/staff/accounts/new/", {"username": "x1"}).status_code == 403
    assert not User.objects.filter(username="x1").exists()


def test_the_account_pages_show_no_secret(client, sysadmin, staff):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    verified_login(client, staff)
    key = TOTPDevice.objects.get(user=staff).key
    client.logout()
    verified_login(client, sysadmin)
    for url in ("/staff/accounts/", f"/staff/accounts/{staff.pk}/"):
        body = client.get(url).content.decode()
        assert key not in body and staff.password not in body


def test_the_admin_site_resets_no_administrators_password_either(client, sysadmin, auditor):
    verified_login(client, sysadmin)
    before = User.objects.get(pk=auditor.pk).password
    assert client.post(f"/admin/auth/user/{auditor.pk}/password/").status_code == 403
    assert User.objects.get(pk=auditor.pk).password == before

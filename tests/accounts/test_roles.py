"""三员分立: the three admin roles are mutually exclusive however a role is assigned."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from lantai.accounts.admin import LantaiUserForm
from lantai.accounts.roles import ROLES, RoleConflict, assign_role, role_codes
from tests.factories import make_user


def test_each_persona_is_a_group_with_permissions(db):
    for role in ROLES.values():
        group = Group.objects.get(name=role.title)
        assert group.permissions.count() == len(role.permissions)


def test_sysadmin_cannot_also_be_secadmin(sysadmin):
    with pytest.raises(RoleConflict, match="三员分立"):
        assign_role(sysadmin, "secadmin")
    assert role_codes(sysadmin) == {"sysadmin"}


def test_auditor_cannot_be_given_an_admin_group_directly(auditor):
    with pytest.raises(RoleConflict):
        auditor.groups.add(Group.objects.get(name="系统管理员"))


def test_group_side_assignment_is_guarded_too(secadmin):
    with pytest.raises(RoleConflict):
        Group.objects.get(name="安全审计员").user_set.add(secadmin)


def test_business_roles_may_combine(db):
    user = make_user("both", "archivist", "reviewer")
    assert role_codes(user) == {"archivist", "reviewer"}
    assert user.is_staff


def test_admin_form_reports_role_conflict_instead_of_crashing(sysadmin):
    groups = Group.objects.filter(name__in=["系统管理员", "安全审计员"])
    form = LantaiUserForm(
        instance=sysadmin,
        data={
            "username": "sysadmin",
            "groups": [g.pk for g in groups],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert not form.is_valid()
    assert "三员分立" in str(form.errors["groups"])


def test_unknown_role_is_refused(public):
    with pytest.raises(RoleConflict, match="未知角色"):
        assign_role(public, "superuser")


def test_a_generated_initial_password_is_temporary(db):
    from django.core.management import call_command

    from lantai.accounts.passwords import must_change

    call_command("createuser", "wang", "--role", "archivist", stdout=io.StringIO())
    assert must_change(get_user_model().objects.get(username="wang"))


def test_role_groups_keep_their_archive_permissions_after_migrate(db):
    """The access app migrates before auth (for createsuperuser); its role sync still sees
    the archive app's permissions."""
    assert Group.objects.get(name="档案员").permissions.filter(codename="change_item").exists()

"""The personas of architecture §1 as groups with permissions, and 三员分立.

Each staff role is a Django group whose name is its Chinese title. The three admin roles
(系统管理员, 安全保密管理员, 安全审计员) are mutually exclusive: a guard on the user↔group
relation refuses a second one however it is assigned (command, admin, shell), so no account can
ever hold two. The public has no group: a registered member of the public is a plain user.

A role's permissions are defined here, in code, and nowhere else: :func:`sync_roles` writes
them on every migrate, and a second guard refuses any other change to a role group's
permissions (admin, shell), so no one can raise a role — least of all one they hold — by
editing its group.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db.models.signals import m2m_changed


@dataclass(frozen=True)
class Role:
    code: str
    title: str
    permissions: tuple[str, ...]
    admin: bool = False  # one of the three separated admin roles


_ARCHIVE_MODELS = ("fonds", "series", "volume", "item", "component", "transferbatch")

ROLES: dict[str, Role] = {
    "archivist": Role(
        "archivist",
        "档案员",
        tuple(f"archive.{act}_{m}" for m in _ARCHIVE_MODELS for act in ("add", "change", "view")),
    ),
    "reviewer": Role(
        "reviewer", "开放审核员", ("archive.view_item", "archive.review_item", "archive.view_fonds")
    ),
    "sysadmin": Role(
        "sysadmin",
        "系统管理员",
        ("auth.add_user", "auth.change_user", "auth.view_user"),
        admin=True,
    ),
    "secadmin": Role(
        "secadmin",
        "安全保密管理员",
        ("auth.view_user", "auth.change_user", "auth.view_group"),
        admin=True,
    ),
    "auditor": Role("auditor", "安全审计员", ("audit.view_auditevent",), admin=True),
}
ADMIN_ROLE_TITLES = frozenset(role.title for role in ROLES.values() if role.admin)


class RoleConflict(ValidationError):
    """Assigning a role would break 三员分立."""


_syncing: ContextVar[bool] = ContextVar("lantai_syncing_roles", default=False)
ROLE_TITLES = frozenset(role.title for role in ROLES.values())


def sync_roles() -> None:
    """Create or update the role groups and their permissions (idempotent)."""
    token = _syncing.set(True)
    try:
        for role in ROLES.values():
            group, _ = Group.objects.get_or_create(name=role.title)
            perms: list[Permission] = []
            for dotted in role.permissions:
                app_label, codename = dotted.split(".")
                perms.extend(
                    Permission.objects.filter(content_type__app_label=app_label, codename=codename)
                )
            group.permissions.set(perms)
    finally:
        _syncing.reset(token)


def sync_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    # After the archive app, the last app whose permissions a role names. Its own permissions
    # are created first here: this receiver may run before auth's for the same app (the access
    # app is listed before auth so its ``createsuperuser`` replaces Django's).
    if getattr(sender, "name", "") == "lantai.archive":
        from django.contrib.auth.management import create_permissions

        create_permissions(sender, verbosity=0, using=kwargs.get("using", "default"))
        sync_roles()


def role_codes(user: Any) -> set[str]:
    """The role codes a user holds (empty for the public)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_lantai_roles", None)
    if cached is None:
        titles = set(user.groups.values_list("name", flat=True))
        cached = {role.code for role in ROLES.values() if role.title in titles}
        user._lantai_roles = cached
    return cached


def assign_role(user: Any, code: str) -> None:
    """Give ``user`` a role; refuses a second admin role and unknown roles."""
    if code not in ROLES:
        raise RoleConflict(f"未知角色「{code}」：可用 " + "、".join(ROLES))
    group = Group.objects.filter(name=ROLES[code].title).first()
    if group is None:
        sync_roles()
        group = Group.objects.get(name=ROLES[code].title)
    _check_admin_exclusivity({group.name, *user.groups.values_list("name", flat=True)})
    user.groups.add(group)  # the m2m guard below enforces it for every other path too
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_lantai_roles", None)


def _check_admin_exclusivity(titles: set[str]) -> None:
    held = sorted(titles & ADMIN_ROLE_TITLES)
    if len(held) > 1:
        raise RoleConflict(
            "三员分立：一个账号只能担任系统管理员、安全保密管理员、安全审计员中的一个，"
            f"不能同时担任 {'、'.join(held)}"
        )


def _guard(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set | None, **_: Any
) -> None:
    if action != "pre_add" or not pk_set:
        return
    if reverse:  # group.user_set.add(users…): check each user against this one group
        group_title = instance.name
        for user in instance.user_set.model.objects.filter(pk__in=pk_set):
            _check_admin_exclusivity({group_title, *user.groups.values_list("name", flat=True)})
        return
    adding = set(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
    _check_admin_exclusivity(adding | set(instance.groups.values_list("name", flat=True)))


def _guard_role_permissions(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set | None, **_: Any
) -> None:
    if not action.startswith("pre_") or _syncing.get():
        return
    if reverse:  # permission.group_set.add(groups…)
        touched = Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True)
        titles = (
            set(touched)
            if action != "pre_clear"
            else set(instance.group_set.values_list("name", flat=True))
        )
    else:
        titles = {instance.name}
    if titles & ROLE_TITLES:
        raise RoleConflict(
            "角色的权限由系统定义（lantai/accounts/roles.py），不能在后台或命令行中修改："
            + "、".join(sorted(titles & ROLE_TITLES))
        )


def connect_exclusivity_guard() -> None:
    from django.contrib.auth import get_user_model

    m2m_changed.connect(
        _guard, sender=get_user_model().groups.through, dispatch_uid="lantai_role_exclusivity"
    )
    m2m_changed.connect(
        _guard_role_permissions,
        sender=Group.permissions.through,
        dispatch_uid="lantai_role_permissions",
    )

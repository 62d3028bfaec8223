"""What the three administrators do to accounts (三员分立), each action checked and audited here.

Decisions:

- **One module decides who may do what**, whatever page, command or script calls it: each
  function takes the acting user first and raises :class:`AccountRefused` with a Chinese
  message when the action is not theirs. The pages only show the buttons the same rules allow
  (:func:`allowed`).
- **System administrator** (系统管理员): creates accounts, disables and re-enables them, unlocks
  one the login throttle holds, and resets a password. A reset issues a temporary password,
  removes every TOTP device (the user enrols again) and notifies the user (an e-mail where the
  account has an address, and the change-password page names who reset it and when), so a
  reset used to slip into someone's account does not go unnoticed. It grants nothing.
- **Security administrator** (安全保密管理员): grants and withdraws the business roles (档案员,
  开放审核员) and assigns the fonds an account works on. It creates no account and resets no
  password.
- **Auditor** (安全审计员): reads the audit log, elsewhere; nothing here.
- **Nobody acts on their own account** (no one raises their own rights or unlocks themselves),
  and **nobody here touches an administrator's account**: the three admin roles are given and
  managed by the server's operator with ``lantai createuser``, so a system administrator
  cannot reset the auditor's password and sign in as the auditor, and a security administrator
  cannot mint a second one of itself. (The operator's own superuser, from the server console,
  is the exception: it may act on them, never on itself.)
- Every action is one audit event naming the account and what changed (beside the field-level
  events the model signals write).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from lantai.accounts import throttle
from lantai.accounts.passwords import issue_temporary_password, mark_temporary
from lantai.accounts.roles import ROLES, role_codes
from lantai.archive.models import Fonds
from lantai.audit.chain import record

BUSINESS_ROLES = tuple(code for code, role in ROLES.items() if not role.admin)
_USERNAME = re.compile(r"^[\w.@+-]{2,150}$")


class AccountRefused(PermissionError):
    """The acting user may not do this to that account; the message says why."""


@dataclass(frozen=True)
class Reset:
    temporary: str
    notified: str  # the address the notice went to, "" when the account has none


def holds_admin_role(user: Any) -> bool:
    return any(ROLES[code].admin for code in role_codes(user))


def _acting_as(actor: Any, role: str) -> None:
    if getattr(actor, "is_superuser", False):
        return
    if role not in role_codes(actor):
        raise AccountRefused(f"此操作只能由{ROLES[role].title}进行")


def _target(actor: Any, user: Any) -> None:
    if user.pk == actor.pk:
        raise AccountRefused("不能对自己的账号进行此操作：请由其他管理员办理")
    if (holds_admin_role(user) or user.is_superuser) and not actor.is_superuser:
        raise AccountRefused(
            "三员（系统管理员、安全保密管理员、安全审计员）的账号由服务器运维人员用"
            " lantai createuser 管理，不能在此修改"
        )


def allowed(actor: Any, user: Any) -> set[str]:
    """The actions ``actor`` may take on ``user`` now (what the account page offers)."""
    if user.pk == actor.pk:
        return set()
    if (holds_admin_role(user) or user.is_superuser) and not actor.is_superuser:
        return set()
    roles = role_codes(actor)
    found: set[str] = set()
    if "sysadmin" in roles or actor.is_superuser:
        found |= {"disable" if user.is_active else "enable", "unlock", "reset"}
    if "secadmin" in roles or actor.is_superuser:
        found |= {"roles", "fonds"}
    return found


def create_account(actor: Any, username: str, full_name: str = "", email: str = "") -> tuple:
    """A new staff account with no role and a temporary password; returns (user, password)."""
    _acting_as(actor, "sysadmin")
    username = username.strip()
    if not _USERNAME.match(username):
        raise AccountRefused("账号名应为 2 至 150 个字母、数字或 . @ + - _，不含空格")
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise AccountRefused(f"账号「{username}」已存在")
    temporary = secrets.token_urlsafe(12)
    with transaction.atomic():
        user = User.objects.create_user(
            username,
            email=email.strip(),
            password=temporary,
            first_name=full_name.strip()[:150],
            is_staff=True,
        )
        mark_temporary(user, actor.get_username())
        record("account_created", obj=user, detail={"by": actor.get_username()})
    return user, temporary


def set_active(actor: Any, user: Any, active: bool) -> None:
    """停用 or 启用 an account; a disabled account cannot sign in and its sessions end."""
    _acting_as(actor, "sysadmin")
    _target(actor, user)
    if user.is_active == active:
        return
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            _end_sessions(user)
        record("account_enabled" if active else "account_disabled", obj=user)


def _end_sessions(user: Any) -> None:
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


def unlock(actor: Any, user: Any) -> None:
    """Forget the account's failed sign-ins, lifting the throttle's lock on it."""
    _acting_as(actor, "sysadmin")
    _target(actor, user)
    with transaction.atomic():
        throttle.clear(user.get_username())
        record("account_unlocked", obj=user)


def is_locked(user: Any) -> bool:
    return throttle.seconds_blocked(user.get_username(), "") > 0


def reset_password(actor: Any, user: Any) -> Reset:
    """A temporary password (shown once to the administrator), TOTP re-enrolment, a notice."""
    _acting_as(actor, "sysadmin")
    _target(actor, user)
    temporary = issue_temporary_password(user, actor.get_username())
    notified = _notify_reset(user, actor)
    return Reset(temporary, notified)


def _notify_reset(user: Any, actor: Any) -> str:
    if not user.email:
        return ""
    moment = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    send_mail(
        "【兰台】你的账号密码已被重置",
        f"{user.get_username()}：\n\n你的账号密码已于 {moment} 由系统管理员"
        f" {actor.get_username()} 重置，两步验证设备已移除。请使用管理员当面交给你的临时"
        "密码登录，立即设置新密码并重新绑定两步验证。\n\n如果你没有申请重置，请立即联系"
        "安全保密管理员。\n",
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        fail_silently=True,
    )
    record("account_reset_notified", obj=user, detail={"to": user.email})
    return str(user.email)


def set_roles(actor: Any, user: Any, codes: set[str]) -> None:
    """Make ``codes`` (business roles only) the account's roles."""
    _acting_as(actor, "secadmin")
    _target(actor, user)
    unknown = set(codes) - set(BUSINESS_ROLES)
    if unknown:
        raise AccountRefused(
            "只能授予业务角色（" + "、".join(ROLES[c].title for c in BUSINESS_ROLES) + "）"
        )
    held = role_codes(user) & set(BUSINESS_ROLES)
    if held == set(codes):
        return
    with transaction.atomic():
        for code in held - set(codes):
            user.groups.remove(Group.objects.get(name=ROLES[code].title))
        for code in set(codes) - held:
            group, _ = Group.objects.get_or_create(name=ROLES[code].title)
            user.groups.add(group)
        if codes and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.__dict__.pop("_lantai_roles", None)
        record(
            "roles_changed",
            obj=user,
            detail={"granted": sorted(set(codes) - held), "withdrawn": sorted(held - set(codes))},
        )


def set_fonds(actor: Any, user: Any, codes: set[str]) -> None:
    """Make the fonds with ``codes`` the ones the account works on."""
    _acting_as(actor, "secadmin")
    _target(actor, user)
    wanted = {f.code: f for f in Fonds.objects.filter(code__in=codes)}
    missing = sorted(set(codes) - set(wanted))
    if missing:
        raise AccountRefused("全宗不存在：" + "、".join(missing))
    held = {f.code: f for f in Fonds.objects.filter(staff=user)}
    if set(held) == set(wanted):
        return
    with transaction.atomic():
        for code in set(held) - set(wanted):
            held[code].staff.remove(user)
        for code in set(wanted) - set(held):
            wanted[code].staff.add(user)
        record(
            "fonds_assigned",
            obj=user,
            detail={
                "assigned": sorted(set(wanted) - set(held)),
                "withdrawn": sorted(set(held) - set(wanted)),
            },
        )

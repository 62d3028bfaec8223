"""The accounts tables: failed sign-ins (the login throttle's memory) and temporary passwords.

Kept in the database (not a per-process cache) so every web worker on every node sees the same
count. See :mod:`lantai.accounts.throttle` for how rows are written, read and pruned.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginFailure(models.Model):
    """One failed sign-in: who was tried (normalised username) and from where (client IP)."""

    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip = models.CharField(_("客户端地址"), max_length=45, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        db_table = "access_loginfailure"  # the table from before the move out of access/
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
        indexes = [
            models.Index(fields=["username", "at"], name="access_loginfail_user_at"),
            models.Index(fields=["ip", "at"], name="access_loginfail_ip_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username or '-'}@{self.ip or '-'} {self.at:%Y-%m-%d %H:%M:%S}"


class PendingPasswordChange(models.Model):
    """An account whose password was set by someone else (a reset or a new account).

    While this row exists the password is only a temporary one: it opens the change-password
    page and nothing else (see :mod:`lantai.accounts.passwords`), so the system administrator who
    issued it never knows the password the user keeps. The row is deleted when the user sets
    their own password.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="pending_password_change",
        verbose_name=_("账号"),
    )
    issued_by = models.CharField(_("签发人"), max_length=150, blank=True)
    issued_at = models.DateTimeField(_("签发时间"), auto_now_add=True)

    class Meta:
        db_table = "access_pendingpasswordchange"
        verbose_name = _("待修改的临时密码")
        verbose_name_plural = _("待修改的临时密码")

    def __str__(self) -> str:
        return f"{self.user_id} {self.issued_at:%Y-%m-%d %H:%M}"

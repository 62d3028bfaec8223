"""Accounts, role groups and OTP devices in the admin under 三员分立.

Decisions:

- **System administrator** (系统管理员) manages accounts: creates them, edits names and the
  active flag, and resets passwords, which issues a temporary password and removes the
  account's TOTP devices (:mod:`lantai.accounts.passwords`). It grants nothing.
- **Security administrator** (安全保密管理员) grants the business roles (档案员, 开放审核员) to
  *other* accounts and edits nothing else. The three admin roles are created by the server's
  operator with ``lantai createuser --role``, never in the browser, so a security administrator
  cannot mint a second system administrator or auditor for itself.
- **Nobody raises privileges in the browser:** ``is_superuser`` and per-user permissions are
  read-only for every role (a permission comes only from a role), nobody edits their own groups,
  and the role groups' permissions are defined in code (:data:`lantai.accounts.roles.ROLES`) and
  read-only here.
- **TOTP secrets are never shown:** django-otp's device admin (key, QR code, config URL) is
  replaced by one that lists who has which device and whether it is confirmed.
- A role conflict is reported on the form, not as a server error.
"""

from __future__ import annotations

import django.contrib.auth.admin  # noqa: F401 — registers User and Group before we replace them
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantai.accounts import manage
from lantai.accounts.passwords import mark_temporary
from lantai.accounts.roles import ROLES, RoleConflict, _check_admin_exclusivity, role_codes

User = get_user_model()
ROLE_FIELDS = ("groups",)
NEVER_EDITABLE = ("is_superuser", "user_permissions", "last_login", "date_joined")
ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
BUSINESS_ROLE_TITLES = frozenset(role.title for role in ROLES.values() if not role.admin)


class LantaiUserForm(UserChangeForm):
    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        if groups is not None:
            try:
                _check_admin_exclusivity({g.name for g in groups})
            except RoleConflict as error:
                raise forms.ValidationError(error.messages) from None
        return groups


admin.site.unregister(User)


def _holds_admin_role(user) -> bool:
    return any(ROLES[code].admin for code in role_codes(user))


@admin.register(User)
class LantaiUserAdmin(UserAdmin):
    form = LantaiUserForm

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        fields += NEVER_EDITABLE
        roles = role_codes(request.user)
        own = obj is not None and obj.pk == request.user.pk
        if "secadmin" not in roles or own or (obj is not None and _holds_admin_role(obj)):
            fields += ROLE_FIELDS
        if "sysadmin" not in roles:
            fields += ACCOUNT_FIELDS
        return list(dict.fromkeys(fields))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            # Only the business roles are granted here; the three admin roles by the operator.
            kwargs["queryset"] = Group.objects.filter(name__in=BUSINESS_ROLE_TITLES)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:  # whatever the administrator typed is a temporary password
            mark_temporary(obj, request.user.get_username())

    def _may_reset(self, request: HttpRequest, user) -> bool:
        # The rules of the portal's account pages (lantai.accounts.manage): never one's own
        # account, never an administrator's.
        return "reset" in manage.allowed(request.user, user)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = ""):
        """Reset another account's password: a generated temporary one, shown once."""
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404(gettext("没有这个账号"))
        if user.pk == request.user.pk:
            return redirect(reverse("admin:password_change", current_app=self.admin_site.name))
        if not self._may_reset(request, user):
            raise PermissionDenied(gettext("只有系统管理员可以重置其他账号的密码。"))
        temporary = None
        if request.method == "POST":
            try:
                temporary = manage.reset_password(request.user, user).temporary
            except manage.AccountRefused as refused:
                raise PermissionDenied(str(refused)) from None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("重置密码：%(name)s") % {"name": user.get_username()},
            "subject": user,
            "temporary": temporary,
            "opts": self.opts,
        }
        response = TemplateResponse(request, "accounts/password_reset.html", context)
        response["Cache-Control"] = "no-store"
        return response


admin.site.unregister(Group)


@admin.register(Group)
class LantaiGroupAdmin(GroupAdmin):
    """Role groups are read-only: their permissions are defined in code and synced on migrate."""

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class SafeTOTPDeviceAdmin(admin.ModelAdmin):
    """Who has which device; never the key, its QR code or its ``otpauth://`` URL."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    fields = readonly_fields = ("user", "name", "confirmed", "created_at", "last_used_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

"""User administration under 三员分立.

The system administrator manages accounts (create, disable, reset passwords) but cannot grant
roles; the security administrator grants roles but cannot edit account details. A role conflict
is reported on the form, not as a server error.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm

from lantai.access.roles import RoleConflict, _check_admin_exclusivity, role_codes

User = get_user_model()
ROLE_FIELDS = ("groups", "user_permissions", "is_superuser")
ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_staff")


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


@admin.register(User)
class LantaiUserAdmin(UserAdmin):
    form = LantaiUserForm

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        roles = role_codes(request.user)
        if request.user.is_superuser:
            return fields
        if "secadmin" not in roles:
            fields += ROLE_FIELDS
        if "sysadmin" not in roles:
            fields += ACCOUNT_FIELDS
        return fields

"""The audit log in the admin: read-only, with a form to check a value against a digest.

Field values are stored as keyed digests (:mod:`lantai.audit.digests`); the auditor checks a
value they were given ("was this field set to X?") with the "核对取值" page of an event. Each
check is itself an audit event, so trying many values is visible in the log.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from lantai.audit.forms import CheckValueForm, audited_check
from lantai.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: auditors read the log; nobody edits it, not even through the admin."""

    list_display = ["seq", "timestamp", "actor", "action", "object_type", "object_repr", "outcome"]
    list_filter = ["action", "outcome", "object_type"]
    search_fields = ["actor", "object_repr", "object_id"]
    ordering = ["-seq"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        check = self.admin_site.admin_view(self.check_value_view)
        return [path("<int:seq>/check/", check, name="audit_auditevent_check"), *super().get_urls()]

    def check_value_view(self, request, seq: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        event = get_object_or_404(AuditEvent, seq=seq)
        form = CheckValueForm(request.POST or None)
        outcome = None
        if request.method == "POST" and form.is_valid():
            outcome = audited_check(event, form.cleaned_data["field"], form.cleaned_data["value"])
        context = {
            **self.admin_site.each_context(request),
            "title": _("核对取值"),
            "event": event,
            "form": form,
            "outcome": outcome,
            "opts": self.opts,
        }
        return TemplateResponse(request, "audit/check_value.html", context)

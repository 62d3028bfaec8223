"""The auditor's "核对取值": a value checked against an event's digest, the check itself audited.

Shared by the portal's audit pages (``/staff/audit/<seq>/``) and the admin's check page, so a
check is recorded the same way wherever it is made.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lantai.audit.chain import record
from lantai.audit.digests import check_event
from lantai.audit.models import AuditEvent


class CheckValueForm(forms.Form):
    field = forms.CharField(label=_("字段名"), max_length=64, help_text=_("如 title、description"))
    value = forms.CharField(
        label=_("待核对的取值"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def audited_check(event: AuditEvent, field: str, value: str) -> dict[str, bool]:
    """:func:`~lantai.audit.digests.check_event`, recorded as ``audit_value_checked``."""
    field = field.strip()
    outcome = check_event(event, field, value)
    record(
        "audit_value_checked",
        object_type="audit.auditevent",
        object_id=str(event.seq),
        object_repr=f"#{event.seq}",
        detail={"field": field, "matched": sorted(k for k, v in outcome.items() if v)},
    )
    return outcome

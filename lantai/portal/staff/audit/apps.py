from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffAuditConfig(AppConfig):
    name = "lantai.portal.staff.audit"
    label = "staff_audit"
    verbose_name = _("安全审计")

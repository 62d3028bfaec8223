from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffIngestConfig(AppConfig):
    name = "lantai.portal.staff.ingest"
    label = "staff_ingest"
    verbose_name = _("接收进馆")

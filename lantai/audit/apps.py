from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "lantai.audit"
    verbose_name = _("审计日志")

    def ready(self) -> None:
        from lantai.audit import signals

        signals.connect()

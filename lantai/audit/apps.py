from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lantai.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from lantai.audit import signals

        signals.connect()

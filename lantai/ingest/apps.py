from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestConfig(AppConfig):
    name = "lantai.ingest"
    label = "ingest"
    verbose_name = _("接收进馆")

    def ready(self) -> None:
        from lantai.ingest import engines  # noqa: F401  (registers the engine system checks)

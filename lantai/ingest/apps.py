from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "lantai.ingest"
    label = "ingest"
    verbose_name = "接收进馆"

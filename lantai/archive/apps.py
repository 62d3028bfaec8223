from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "lantai.archive"
    verbose_name = "档案"

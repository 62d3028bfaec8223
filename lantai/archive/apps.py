from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ArchiveConfig(AppConfig):
    name = "lantai.archive"
    verbose_name = pgettext_lazy("app", "档案")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreservationConfig(AppConfig):
    name = "lantai.preservation"
    label = "preservation"
    verbose_name = _("长期保存")

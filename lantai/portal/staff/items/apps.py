from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffItemsConfig(AppConfig):
    name = "lantai.portal.staff.items"
    label = "staff_items"
    verbose_name = _("著录整理")

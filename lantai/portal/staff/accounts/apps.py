from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffAccountsConfig(AppConfig):
    name = "lantai.portal.staff.accounts"
    label = "staff_accounts"
    verbose_name = _("账号管理")

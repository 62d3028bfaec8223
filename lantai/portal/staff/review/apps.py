from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffReviewConfig(AppConfig):
    name = "lantai.portal.staff.review"
    label = "staff_review"
    verbose_name = _("开放审核")

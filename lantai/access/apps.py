from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    """Open review, the access policy, redaction and watermarks; it holds no table of its own."""

    name = "lantai.access"
    verbose_name = _("权限")

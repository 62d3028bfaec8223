from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "lantai.portal"
    verbose_name = "门户"

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "lantai.access"
    verbose_name = _("权限")

    def ready(self) -> None:
        from lantai.access import roles

        post_migrate.connect(roles.sync_roles_after_migrate, dispatch_uid="lantai_sync_roles")
        roles.connect_exclusivity_guard()

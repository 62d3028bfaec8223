from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Staff and public accounts: roles (三员分立), TOTP, the sign-in throttle and passwords.

    Moved out of ``lantai.access`` (issue 14), which keeps what is about records: open review,
    the policy, redaction and watermarks. The two tables keep their ``access_*`` names, so the move
    is a change of Django's state only (see migrations/0001_initial.py).
    """

    name = "lantai.accounts"
    verbose_name = _("账号")

    def ready(self) -> None:
        from lantai.accounts import roles

        post_migrate.connect(roles.sync_roles_after_migrate, dispatch_uid="lantai_sync_roles")
        roles.connect_exclusivity_guard()

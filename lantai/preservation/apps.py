from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreservationConfig(AppConfig):
    name = "lantai.preservation"
    label = "preservation"
    verbose_name = _("长期保存")

    def ready(self) -> None:
        from lantai.cli_base import command_finished, command_starting
        from lantai.preservation import outbox

        outbox.connect()
        command_starting.connect(outbox.command_starting, dispatch_uid="lantai.packages.start")
        command_finished.connect(outbox.command_finished, dispatch_uid="lantai.packages.end")

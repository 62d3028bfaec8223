from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "lantai.search"
    label = "search"
    verbose_name = _("检索")

    def ready(self) -> None:
        from lantai.cli_base import command_finished, command_starting
        from lantai.search import outbox

        outbox.connect()
        command_starting.connect(outbox.command_starting, dispatch_uid="lantai.search.starting")
        command_finished.connect(outbox.command_finished, dispatch_uid="lantai.search.finished")

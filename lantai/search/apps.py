from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "lantai.search"
    label = "search"
    verbose_name = _("检索")

    def ready(self) -> None:
        from lantai.search import outbox

        outbox.connect()

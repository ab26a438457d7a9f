from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Program")

    def ready(self) -> None:
        # Registers the program's system checks.
        from . import checks  # noqa: F401

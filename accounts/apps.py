from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from .roles import grant_role_permissions

        # Permission rows exist only after post_migrate on a fresh database, so roles get
        # their permissions here, every time, idempotently.
        post_migrate.connect(grant_role_permissions, dispatch_uid="accounts.grant_roles")

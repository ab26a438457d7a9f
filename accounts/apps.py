from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import start_session_clock
        from .roles import grant_role_permissions

        # A session's clock starts at sign-in (SessionTimeoutMiddleware reads it).
        user_logged_in.connect(start_session_clock, dispatch_uid="accounts.session_clock")
        # Permission rows exist only after post_migrate on a fresh database, so roles get
        # their permissions here, every time, idempotently.
        post_migrate.connect(grant_role_permissions, dispatch_uid="accounts.grant_roles")

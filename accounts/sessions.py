"""The session engine (`SESSION_ENGINE = "accounts.sessions"`): Django's database sessions,
with each row naming its user so that all of a user's sessions can be deleted at once."""

from typing import TYPE_CHECKING, Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from core.http import as_pk

if TYPE_CHECKING:
    from .models import Session

    Base = DatabaseSessionStore[Session]
else:
    Base = DatabaseSessionStore


class SessionStore(Base):
    @classmethod
    def get_model_class(cls) -> "type[Session]":
        # Imported here: the models module names this store, and settings name this module.
        from .models import Session

        return Session

    def create_model_instance(self, data: dict[str, Any]) -> "Session":
        session = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        session.user_id = as_pk(str(user_id)) if user_id is not None else None
        return session

    async def acreate_model_instance(self, data: dict[str, Any]) -> "Session":
        session = await super().acreate_model_instance(data)
        user_id = data.get(SESSION_KEY)
        session.user_id = as_pk(str(user_id)) if user_id is not None else None
        return session

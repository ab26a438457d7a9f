"""Admin mixins shared by the apps' admin pages."""

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """A record to read: nobody adds, changes or deletes it in the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseCodeSearchMixin:
    """Search by case code (with or without "PS-") or public id, never by a name.

    A name typed into a search box would end up in URLs and server logs.
    `case_code_path` is the lookup path to the request ("" for the request itself).
    """

    case_code_path = ""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        prefix = f"{self.case_code_path}__" if self.case_code_path else ""
        try:
            return queryset.filter(**{f"{prefix}public_id": uuid.UUID(term)}), False
        except ValueError:
            code = term.upper()
            if not code.startswith("PS-"):
                code = f"PS-{code}"
            return queryset.filter(**{f"{prefix}case_code": code}), False

"""Claim due rows so that each is handled once, however many workers run at once.

The pattern of Healthchecks' alerts: select the due rows with `FOR UPDATE SKIP LOCKED`
(a second worker passes locked rows by instead of waiting), then mark them claimed with
one `UPDATE` in the same transaction as the work they cause.
"""

from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet


def claim_rows[M: Model](
    due: QuerySet[M], *, order_by: tuple[str, ...], limit: int, values: dict[str, Any]
) -> list[M]:
    """Lock up to `limit` rows of `due` not locked by anyone else, set `values` on them.

    Must run inside a transaction: the lock lasts until it ends, and so must the work
    the claim stands for. Return the rows as they were read (before the update).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_rows must run inside a transaction")
    rows = list(due.select_for_update(skip_locked=True, of=("self",)).order_by(*order_by)[:limit])
    if rows:
        due.model._default_manager.filter(pk__in=[row.pk for row in rows]).update(**values)
    return rows

"""Deployment checks of the scratch notes' Redis (`manage.py check --deploy`).

A note's key must never reach a disk or another server: Redis persists and replicates per
server, not per database number, so the notes need a Redis instance of their own with no
RDB snapshots, no AOF and no replicas. When the server cannot be asked (CONFIG disabled,
unreachable), the check warns, since it cannot tell.
"""

from typing import Any

import redis
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

TIMEOUT_SECONDS = 1.0


def _inspect(url: str) -> dict[str, Any]:
    client = redis.Redis.from_url(
        url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )
    try:
        return {
            "save": client.config_get("save").get("save", ""),
            "appendonly": client.config_get("appendonly").get("appendonly", "no"),
            "replication": client.info("replication"),
        }
    finally:
        client.close()


@register(deploy=True)
def notes_redis_keeps_nothing(**kwargs: Any) -> list[CheckMessage]:
    """Error when the notes' Redis snapshots, appends to disk or has replicas."""
    url = settings.NOTES_REDIS_URL
    try:
        found = _inspect(url)
    except redis.ResponseError:
        return [
            Warning(
                "Cannot read the notes' Redis configuration (CONFIG is disabled): make sure "
                "it keeps nothing on disk (no RDB, no AOF) and has no replicas.",
                id="matching.W001",
            )
        ]
    except redis.RedisError:
        return [
            Warning(
                "The notes' Redis (NOTES_REDIS_URL) cannot be reached, so it cannot be checked.",
                id="matching.W002",
            )
        ]
    problems = []
    if str(found["save"]).strip():
        problems.append('RDB snapshots are on (set `save ""`)')
    if str(found["appendonly"]).lower() == "yes":
        problems.append("the append-only file is on (set `appendonly no`)")
    replication = found["replication"]
    if int(replication.get("connected_slaves", 0)) > 0 or replication.get("role") == "slave":
        problems.append("it has replicas or is one")
    return [
        Error(
            f"The notes' Redis (NOTES_REDIS_URL) would keep note keys beyond their lifetime: "
            f"{problem}.",
            hint="Give the scratch notes their own small Redis instance with nothing on disk.",
            id="matching.E001",
        )
        for problem in problems
    ]

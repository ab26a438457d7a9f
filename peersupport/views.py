"""/healthz and the error pages: wiring, no domain logic."""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.heartbeats import stale_jobs

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except Exception:
        logger.warning("healthz: database unreachable")
        return False


def _redis_ok() -> bool:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        logger.warning("healthz: redis unreachable")
        return False
    finally:
        client.close()


def _parts() -> tuple[bool, bool, list[str]]:
    """Return whether the database and Redis answer, and the stale jobs (when it can tell)."""
    database = _database_ok()
    stale = stale_jobs() if database else []
    return database, _redis_ok(), stale


def _report(database: bool, redis_up: bool, stale: list[str]) -> dict[str, object]:
    return {
        "database": "ok" if database else "down",
        "redis": "ok" if redis_up else "down",
        "jobs": {"stale": stale} if database else {"stale": "unknown"},
    }


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 503 only when this process cannot serve (no database).

    Redis down or a stale job is reported in the JSON but answers 200: taking every web
    server out of rotation would stop physicians from submitting (fail open for people).
    """
    database, redis_up, stale = _parts()
    return JsonResponse(_report(database, redis_up, stale), status=200 if database else 503)


@never_cache
@require_GET
def healthz_full(request: HttpRequest) -> JsonResponse:
    """For monitoring: 503 when the database or Redis is down or a periodic job is stale.

    A job is stale when it has not succeeded for twice its interval (a stopped beat, a
    dead worker, a job that keeps failing); the JSON names it.
    """
    database, redis_up, stale = _parts()
    healthy = database and redis_up and not stale
    return JsonResponse(_report(database, redis_up, stale), status=200 if healthy else 503)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer an oversized or malformed request with a kind page (never a bare 400)."""
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Render without the request's context processors' database access failing us: the
    # crisis resources come from settings alone.
    return render(request, "500.html", status=500)

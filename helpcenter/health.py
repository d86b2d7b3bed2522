"""`/healthz` (the process answers) and `/readyz` (it can serve: database, cache and storage answer).

Answered by the first middleware, before anything else runs: a load balancer probes with its own
Host header over plain HTTP and without cookies, so the probes must not meet ALLOWED_HOSTS, the
HTTPS redirect, sessions, CSRF or the language redirect — and must not make them do work.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)


def check_databases() -> None:
    for connection in connections.all(initialized_only=False):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")


def check_cache() -> None:
    key, token = f"helpcenter:readyz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, token, 10)
    if cache.get(key) != token:
        raise RuntimeError("the cache did not give back what was stored")
    cache.delete(key)


def check_storage() -> None:
    # Writing is what uploads need; a storage that only reads is not ready.
    name = default_storage.save(f"readyz/{secrets.token_hex(8)}.txt", ContentFile(b"ok"))
    default_storage.delete(name)


CHECKS: dict[str, Callable[[], None]] = {"database": check_databases, "cache": check_cache, "storage": check_storage}


def readiness() -> tuple[bool, dict[str, str]]:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure means "not ready"; the log says why
            logger.warning("readyz: %s failed: %s: %s", name, type(error).__name__, error)
            results[name] = f"failed ({type(error).__name__})"
        else:
            results[name] = "ok"
    return all(result == "ok" for result in results.values()), results


def _answer(body: dict, status: int) -> HttpResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            if request.path_info == "/healthz":
                return _answer({"status": "ok"}, 200)
            if request.path_info == "/readyz":
                ready, checks = readiness()
                failed = [name for name, result in checks.items() if result != "ok"]
                body = {"status": "ok" if ready else "unavailable", "checks": checks}
                if failed:
                    body["failed"] = failed
                return _answer(body, 200 if ready else 503)
        return self.get_response(request)

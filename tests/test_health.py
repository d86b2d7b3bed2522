"""/healthz and /readyz as a load balancer sees them, and /readyz with each piece broken."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db

READY = {"status": "ok", "checks": {"database": "ok", "cache": "ok", "storage": "ok"}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def test_healthz_answers_while_the_process_lives(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_answers_when_everything_does(client, media):
    response = client.get("/readyz")
    assert (response.status_code, response.json()) == (200, READY)
    assert list(media.rglob("*.txt")) == []  # the storage probe cleans up after itself


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_skip_host_check_https_redirect_sessions_csrf_and_language(client, settings, path):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["help.example.com"]
    # A load balancer probes over plain HTTP with the instance's own address as the host.
    response = client.get(path, HTTP_HOST="10.0.3.17:8000", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.cookies == {}
    assert "Vary" not in response and "Content-Language" not in response
    assert response["Cache-Control"] == "no-store"


def test_other_methods_go_to_the_site_as_usual(client):
    assert client.post("/healthz").status_code == 404


def test_readyz_reports_the_database_gone(client):
    with mock.patch.object(connection, "ensure_connection", side_effect=OperationalError("connection refused")):
        response = client.get("/readyz")
        health = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "failed (OperationalError)", "cache": "ok", "storage": "ok"},
        "failed": ["database"],
    }
    assert health.status_code == 200  # alive, only not ready


def test_readyz_reports_the_cache_gone(client, settings):
    # Nothing listens on port 1: a Redis that has gone away.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "failed (ConnectionError)", "storage": "ok"},
        "failed": ["cache"],
    }


def test_readyz_reports_storage_that_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"  # a path under a file can never be created
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]
    assert response.json()["checks"]["storage"] in {"failed (NotADirectoryError)", "failed (FileExistsError)"}


def test_readyz_with_a_shared_redis_cache(client, settings):
    import os

    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:56379/11")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url} (set TEST_REDIS_URL)")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    response = client.get("/readyz")
    assert (response.status_code, response.json()) == (200, READY)

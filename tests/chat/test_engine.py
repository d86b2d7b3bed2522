"""The server: one ASGI application for pages and chat sockets, served by `manage.py runserver`."""

from __future__ import annotations

from django.conf import settings
from django.core.management import get_commands
from django.utils.module_loading import import_string

from tests.test_settings import manage


def test_the_asgi_application_serves_pages_and_websockets():
    application = import_string(settings.ASGI_APPLICATION)
    assert set(application.application_mapping) == {"http", "websocket"}


def test_runserver_is_daphnes_so_make_run_serves_chat_too():
    assert get_commands()["runserver"] == "daphne"


def test_the_layer_is_in_memory_by_default_and_redis_with_redis_url():
    show = (
        "from django.conf import settings; from channels_redis.core import RedisChannelLayer; "
        "from django.utils.module_loading import import_string; layer = settings.CHANNEL_LAYERS['default']; "
        "print(layer['BACKEND'], issubclass(import_string(layer['BACKEND']), RedisChannelLayer), "
        "layer.get('CONFIG', {}).get('prefix'))"
    )
    plain = manage("shell", "--no-imports", "-c", show, env={"DJANGO_DEBUG": "1", "REDIS_URL": ""})
    redis = manage(
        "shell", "--no-imports", "-c", show, env={"DJANGO_DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6399/0"}
    )
    assert plain.stdout.strip() == "chat.layers.InMemoryChatLayer False None"
    assert redis.stdout.strip() == "chat.layers.ResilientRedisChannelLayer True helpcenter"


def test_chat_layer_prefix_keeps_sites_sharing_a_redis_apart():
    show = "from django.conf import settings; print(settings.CHANNEL_LAYERS['default']['CONFIG']['prefix'])"
    env = {"DJANGO_DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6399/0", "CHAT_LAYER_PREFIX": "shop-b"}
    assert manage("shell", "--no-imports", "-c", show, env=env).stdout.strip() == "shop-b"

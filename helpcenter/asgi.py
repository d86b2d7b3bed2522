"""The ASGI entry point: pages over HTTP and live chat over WebSockets, in one process.

`manage.py runserver` (Daphne's, see INSTALLED_APPS) and production servers (`daphne` or `uvicorn
helpcenter.asgi:application`) both serve this application.
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpcenter.settings")

# Django is set up here, before the chat routes import models.
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from chat.routing import websocket_urlpatterns  # noqa: E402
from helpcenter.asgi_limits import RequestBodyLimit  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": RequestBodyLimit(django_application),
        # Only pages of this site may open a socket (its Origin is one of ALLOWED_HOSTS): another site
        # cannot ride on an agent's admin session. Agents are recognised by that session cookie.
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

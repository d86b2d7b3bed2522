"""uvicorn as `manage.py serve` runs it: uvicorn's own command line, with TCP_NODELAY on the listening socket.

    python -m helpcenter.uvicorn_server helpcenter.asgi:application --workers 2 …   (any uvicorn option)

With --workers, uvicorn binds the socket itself with `socket.socket()`, whose protocol number reads
0, and asyncio turns Nagle's algorithm off (TCP_NODELAY) only on sockets that say IPPROTO_TCP. So
every answer's body, written after its headers, waited for the client's delayed acknowledgement of
them: about 40 ms on every request of a keep-alive connection (measured with wrk on one connection:
21 requests/s with uvicorn's two workers, against 1,500 with this). Linux gives each accepted
connection the listening socket's TCP_NODELAY, so setting it there once is enough.
"""

from __future__ import annotations

import socket
import sys

from uvicorn.config import Config

_bind_socket = Config.bind_socket


def bind_socket_without_nagle(config: Config) -> socket.socket:
    sock = _bind_socket(config)
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def main() -> None:
    Config.bind_socket = bind_socket_without_nagle
    from uvicorn.main import main as uvicorn_main

    sys.exit(uvicorn_main())


# The guard matters: uvicorn's workers are spawned processes that import the main module again.
if __name__ == "__main__":
    main()

"""Small helpers shared by the browser journeys: real PNG files, admin log-in, screenshots, translated labels."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

from django.utils import translation
from playwright.sync_api import Page, expect

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct-horse-battery-staple"


def png_bytes(width: int = 48, height: int = 24, rgb: tuple[int, int, int] = (11, 110, 79)) -> bytes:
    """A real, decodable PNG (one colour), so browsers show it as an image, not a broken icon."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width  # filter type 0, then RGB pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def write_png(directory: Path, name: str, **options) -> Path:
    path = directory / name
    path.write_bytes(png_bytes(**options))
    return path


def admin_login(new_context, site: str, username: str, password: str = PASSWORD) -> Page:
    """A staff member's own browser (a separate context: own cookies), logged into the admin."""
    page = new_context().new_page()
    page.goto(f"{site}/admin/login/?next=/admin/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("#login-form [type=submit]").click()
    expect(page).to_have_url(f"{site}/admin/")
    return page


def korean(message) -> str:
    """A message (a msgid, or a lazy translation) as the Korean pages show it, translated or not yet."""
    with translation.override("ko"):
        return translation.gettext(message) if isinstance(message, str) else str(message)


def screenshot(page: Page, name: str) -> None:
    if os.environ.get("SCREENSHOTS") == "1":
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

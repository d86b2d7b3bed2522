"""What customers may upload: images and PDF, recognised by their content, not by their name."""

from __future__ import annotations

import os
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# The first bytes of each accepted format. A renamed .exe stays an .exe whatever it is called.
SIGNATURES: list[tuple[bytes, int, str]] = [
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
    (b"WEBP", 8, "image/webp"),  # RIFF....WEBP
    (b"ftypheic", 4, "image/heic"),  # iPhone photos
    (b"ftypheix", 4, "image/heic"),
    (b"ftypmif1", 4, "image/heic"),
]


FALLBACK_NAME = "attachment"
# Device names Windows refuses as a file name, with or without an extension ("CON.txt").
WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
MAX_NAME_LENGTH = 150


def safe_filename(name: str) -> str:
    """The name to offer when saving: its last path part only, no control or format characters
    (CR, LF, NUL, right-to-left overrides), no leading dots, no Windows device name; never empty."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in "C" and ch not in '"*:<>?|')
    name = name.strip().strip(".").strip()  # Windows drops trailing dots; leading ones hide a file
    if WINDOWS_RESERVED.match(name):
        name = f"_{name}"
    if len(name) > MAX_NAME_LENGTH:
        stem, extension = os.path.splitext(name)
        name = stem[: MAX_NAME_LENGTH - len(extension[:20])] + extension[:20]
    return name or FALLBACK_NAME


def sniff(head: bytes) -> str | None:
    for signature, offset, content_type in SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            if content_type == "image/webp" and not head.startswith(b"RIFF"):
                continue
            return content_type
    return None


def validate_uploads(files: list[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """Check count, size and content of uploaded files; returns each with its real content type."""
    if len(files) > settings.HELPCENTER_MAX_ATTACHMENTS:
        raise ValidationError(
            _("You can attach at most %(count)d files.") % {"count": settings.HELPCENTER_MAX_ATTACHMENTS}
        )
    checked = []
    errors = []
    for upload in files:
        if upload.size > settings.HELPCENTER_MAX_ATTACHMENT_BYTES:
            errors.append(
                _("%(name)s is %(size)s; each file may be at most %(limit)s.")
                % {
                    "name": upload.name,
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.HELPCENTER_MAX_ATTACHMENT_BYTES),
                }
            )
            continue
        upload.seek(0)
        content_type = sniff(upload.read(16))
        upload.seek(0)
        if content_type is None:
            errors.append(_("%(name)s is not an image or a PDF file.") % {"name": upload.name})
            continue
        checked.append((upload, content_type))
    if errors:
        raise ValidationError(errors)
    return checked

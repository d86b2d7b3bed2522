"""Serving an uploaded file to whoever was allowed to see it: always as a download.

Whoever uploaded a file chose its bytes, its name and (by e-mail) its stated type. Served inline,
an HTML page or an SVG with a script "named" .jpg would run on our origin with the viewer's
session, so every file goes out as an attachment, with a type the browser cannot render as a page,
`nosniff` so it does not guess one, a sandbox policy in case it is opened anyway, and a file name
that cannot break the header or name a path on the viewer's disk.
"""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

from helpcenter.uploads import SIGNATURES, safe_filename

# The types the upload check recognises by content (helpcenter.uploads): images and PDF, none of
# which a browser renders as a page. Anything else (mail attachments say what they like) is bytes.
SAFE_TYPES = frozenset(content_type for _signature, _offset, content_type in SIGNATURES)
FALLBACK_TYPE = "application/octet-stream"


def download_type(content_type: str) -> str:
    content_type = (content_type or "").split(";", 1)[0].strip().lower()
    return content_type if content_type in SAFE_TYPES else FALLBACK_TYPE


def stored_file(file: FieldFile, filename: str, content_type: str) -> FileResponse:
    """The file as a download, or a plain 404 when its bytes are gone (restored backup, another
    server's disk)."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404("file missing") from error
    response = FileResponse(
        handle, as_attachment=True, filename=safe_filename(filename), content_type=download_type(content_type)
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own anyway (a saved file dragged back into the browser is another origin, but
    # a proxy that drops Content-Disposition is not): no script, no plugin, no same-origin access.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

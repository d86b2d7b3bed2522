"""Serving an uploaded file to whoever was allowed to see it."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def stored_file(file: FieldFile, filename: str, content_type: str, as_attachment: bool = False) -> FileResponse:
    """The file, or a plain 404 when its bytes are gone (restored backup, another server's disk)."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404("file missing") from error
    return FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type=content_type)

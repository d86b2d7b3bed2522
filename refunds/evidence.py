"""Files customers attach to a claim: screenshots, statements, error screens."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpcenter.filestore import FilesWritten
from helpcenter.masking import mask_sensitive
from helpcenter.uploads import safe_filename


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"refunds/{timezone.now():%Y/%m}/{secrets.token_hex(12)}"


class Evidence(models.Model):
    claim = models.ForeignKey("refunds.RefundClaim", on_delete=models.CASCADE, related_name="evidence")
    event = models.ForeignKey(
        "refunds.ClaimEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="files"
    )
    file = models.FileField(upload_to=evidence_path)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.filename

    @classmethod
    def store(cls, claim, upload, content_type: str, event=None, files: FilesWritten | None = None) -> Evidence:
        """Within the caller's `FilesWritten` and transaction, so that a change that fails keeps no file."""
        item = cls(
            claim=claim,
            event=event,
            filename=safe_filename(mask_sensitive(upload.name))[:255],
            content_type=content_type,
            size=upload.size,
        )
        (files or FilesWritten()).save(item.file, upload.name, upload)
        item.save()
        return item

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

"""Files written as part of a database change, so that a change that does not commit leaves none.

Storage is not transactional: a file saved inside `transaction.atomic()` survives the rollback,
and a write that fails half-way leaves a partial file. `FilesWritten` remembers what one change
wrote and removes it when the change fails, whatever the failure.
"""

from __future__ import annotations

from types import TracebackType

from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _


class StorageUnavailable(OSError):
    """The storage could not take a file (disk full, object store away): the change was undone and
    left nothing behind, and the customer should hear "try again in a while", not see an error page."""

    @staticmethod
    def message() -> str:
        return _("We could not save your files just now, so nothing has been sent. Please try again in a few minutes.")


class FilesWritten:
    """Use around the outermost transaction of a change that saves files:

    with FilesWritten() as files, transaction.atomic():
        files.save(attachment.file, name, content)
    """

    def __init__(self) -> None:
        self._written: list[tuple[object, str]] = []

    def save(self, field_file: FieldFile, name: str, content) -> None:
        """FieldFile.save(save=False), remembering the stored name, and removing a partial file
        when the write itself fails."""
        storage = field_file.storage
        target = field_file.field.generate_filename(field_file.instance, name)
        existed = storage.exists(target)
        try:
            stored = storage.save(target, content, max_length=field_file.field.max_length)
        except BaseException as error:
            if not existed:
                _remove(storage, target)
            if isinstance(error, OSError) and not isinstance(error, StorageUnavailable):
                raise StorageUnavailable(*error.args) from error
            raise
        self._written.append((storage, stored))
        field_file.name = stored
        setattr(field_file.instance, field_file.field.attname, stored)
        field_file._committed = True

    def discard(self) -> None:
        for storage, name in self._written:
            _remove(storage, name)
        self._written = []

    def __enter__(self) -> FilesWritten:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if kind is not None:
            self.discard()


def _remove(storage, name: str) -> None:
    try:
        if storage.exists(name):
            storage.delete(name)
    except OSError:
        pass  # the storage is failing already; the original error is the one to report

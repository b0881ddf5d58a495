"""Uploads larger than the import limit are dropped while they arrive, never stored."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _


class SizeLimitHandler(FileUploadHandler):
    """Runs before Django's own handlers; past IMPORT_MAX_BYTES it stops the upload and marks
    the request, so the view can say why the file is missing."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.IMPORT_MAX_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def too_large_message(request) -> str | None:
    """The message for a request whose upload was stopped, or None."""
    if not getattr(request, "upload_too_large", False):
        return None
    return _("文件超过 %(mb)d MB，未导入。") % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}

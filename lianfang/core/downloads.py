"""Generated files (exports, templates) sent to a browser or an API client."""

from django.http import FileResponse

STREAM_BLOCK = 64 * 1024


def attachment(export) -> FileResponse:
    """Stream `export` (anything with `file`, `filename` and `content_type`) as a download that
    no cache keeps: exports hold scoped data."""
    response = FileResponse(
        export.file,
        as_attachment=True,
        filename=export.filename,
        content_type=export.content_type,
    )
    response.block_size = STREAM_BLOCK
    response["Cache-Control"] = "no-store"
    return response

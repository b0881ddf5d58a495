"""The electronic supervision API (/api/v1/supervision): event ingest for the handling systems.

`POST /events:batch` takes up to 10,000 events (the fields of `lianfang.supervision.ingest`),
all-or-nothing: 200 `{applied, replayed}`, or 400 `{detail, errors: [{line, field, message}]}`
with `line` the 1-based position in `events` and nothing stored. Needs `supervision.ingest`
(the system administrator; an integrating system uses an API token of such an account).
"""

from django.utils.translation import gettext as _
from ninja import Router, Status

from lianfang.core.api import require

from . import ingest
from .api_schemas import BatchErrorOut, BatchIn, BatchOut

router = Router(tags=["supervision"])
INGEST = "supervision.ingest"


def _route(method: str, path: str, name: str, **kwargs):
    """One operation, with the same unique name as operation id and URL name."""
    return getattr(router, method)(path, url_name=name, operation_id=name, **kwargs)


@_route(
    "post", "/events:batch", "supervision_event_batch", response={200: BatchOut, 400: BatchErrorOut}
)
def supervision_event_batch(request, payload: BatchIn):
    require(request, INGEST)
    rows = [{**row, "_line": n} for n, row in enumerate(payload.events, start=1)]
    result = ingest.ingest(
        rows, actor=request.user, source_name=f"api:{request.user.get_username()}"
    )
    if not result.ok:
        errors = [{"line": i.line, "field": i.field, "message": i.message} for i in result.rejected]
        detail = _("批次未导入：%(n)d 处问题，未写入任何数据。") % {"n": len(errors)}
        return Status(400, {"detail": detail, "errors": errors})
    return {"applied": result.applied, "replayed": result.replayed}

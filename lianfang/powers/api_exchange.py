"""The power list's import and export API (/api/v1/powers/exchange): the list as .xlsx, the
import template, and the all-or-nothing import.

Exports hold only what the caller may see (with the list's filters); the import resolves
names inside the caller's scope and needs the power-list permission.
"""

from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from lianfang.core.api import require
from lianfang.core.downloads import attachment
from lianfang.risks.api_registers import RegisterImportIssue

from .api_schemas import PowerItemFilters
from .exchange import exports
from .exchange.importer import power_list_import

router = Router(tags=["权力清单导入导出"])
VIEW, MANAGE = "powers.view", "powers.manage"


class PowerImportCounts(Schema):
    created: int
    updated: int


class PowerImportRefusal(Schema):
    detail: str
    errors: list[RegisterImportIssue]


_XLSX = {200: {"content": {exports.XLSX: {"schema": {"type": "string", "format": "binary"}}}}}


@router.get(
    "/export.xlsx",
    url_name="power_list_export_xlsx",
    operation_id="power_list_export_xlsx",
    summary="Export the power list as .xlsx",
    openapi_extra={"responses": _XLSX},
)
def export_xlsx(request, filters: Query[PowerItemFilters]):
    require(request, VIEW)
    export = exports.list_export(actor=request.user, filters=filters.dict(), fmt="xlsx")
    return attachment(export)


@router.get(
    "/template.xlsx",
    url_name="power_list_template",
    operation_id="power_list_template",
    summary="The import template of the power list",
    openapi_extra={"responses": _XLSX},
)
def template(request):
    require(request, VIEW)
    return attachment(exports.template_export())


@router.post(
    "/import",
    response={200: PowerImportCounts, 400: PowerImportRefusal},
    url_name="power_list_import",
    operation_id="power_list_import",
    summary="Import the power list from .xlsx (all or nothing; known codes are updated)",
)
def import_(request, file: File[UploadedFile]):
    require(request, MANAGE)
    result = power_list_import(actor=request.user, file=file)
    if not result.ok:
        errors = [issue.as_dict() for issue in result.issues]
        count = len(errors) + result.more
        detail = _("文件未导入：发现 %(n)d 处问题，未写入任何数据。") % {"n": count}
        return Status(400, {"detail": detail, "errors": errors})
    return Status(200, {"created": result.created, "updated": result.updated})

"""The registration forms API (/api/v1/risks/registers): export, template, import.

Everything is data-scoped: exports hold only what the caller may see, import resolves names
inside the caller's scope and refuses rows that would fall outside it.
"""

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from lianfang.core.api import require
from lianfang.core.downloads import attachment
from lianfang.core.scopes import get_scoped_or_404
from lianfang.org.models import Department, Unit

from .models import Register
from .registers import exports
from .registers.importer import register_import
from .registers.reading import ImportRefused

router = Router(tags=["risk registers"])
VIEW = "risks.view"


class RegisterExportFilters(Schema):
    year: int
    unit: int | None = None
    department: int | None = None


class RegisterImportCreated(Schema):
    created: int


class RegisterImportIssue(Schema):
    row: int | None
    column: str | None
    header: str
    field: str
    message: str


class RegisterImportRefusal(Schema):
    detail: str
    errors: list[RegisterImportIssue]


def _export(request, register: Register, filters: RegisterExportFilters, fmt: str) -> FileResponse:
    require(request, VIEW)
    unit = department = None
    if filters.unit is not None:
        unit = get_scoped_or_404(Unit.objects.all(), request.user, pk=filters.unit)
    if filters.department is not None:
        department = get_scoped_or_404(
            Department.objects.all(), request.user, pk=filters.department
        )
    return attachment(
        exports.register_export(
            actor=request.user,
            register=register,
            year=filters.year,
            fmt=fmt,
            unit=unit,
            department=department,
        )
    )


_XLSX = {200: {"content": {exports.XLSX: {"schema": {"type": "string", "format": "binary"}}}}}
_DOCX = {200: {"content": {exports.DOCX: {"schema": {"type": "string", "format": "binary"}}}}}


@router.get(
    "/{register}/export.xlsx",
    url_name="register_export_xlsx",
    operation_id="register_export_xlsx",
    summary="Export a register as .xlsx",
    openapi_extra={"responses": _XLSX},
)
def export_xlsx(request, register: Register, filters: Query[RegisterExportFilters]):
    return _export(request, register, filters, "xlsx")


@router.get(
    "/{register}/export.docx",
    url_name="register_export_docx",
    operation_id="register_export_docx",
    summary="Export a register as .docx",
    openapi_extra={"responses": _DOCX},
)
def export_docx(request, register: Register, filters: Query[RegisterExportFilters]):
    return _export(request, register, filters, "docx")


@router.get(
    "/{register}/template.xlsx",
    url_name="register_template",
    operation_id="register_template",
    summary="The import template of a register",
    openapi_extra={"responses": _XLSX},
)
def template(request, register: Register):
    require(request, VIEW)
    return attachment(exports.register_template(actor=request.user, register=register))


@router.post(
    "/{register}/import",
    response={201: RegisterImportCreated, 400: RegisterImportRefusal},
    url_name="register_import",
    operation_id="register_import",
    summary="Import a register from .xlsx (all or nothing)",
)
def import_(request, register: Register, year: Form[int], file: File[UploadedFile]):
    require(request, VIEW)
    try:
        created = register_import(
            actor=request.user, register=register, year=year, file=file, filename=file.name or ""
        )
    except ImportRefused as refused:
        errors = [issue.as_dict() for issue in refused.issues]
        more = refused.more
        detail = _("文件未导入：发现 %(n)d 处问题，未写入任何数据。") % {"n": len(errors) + more}
        return Status(400, {"detail": detail, "errors": errors})
    return Status(201, {"created": created})

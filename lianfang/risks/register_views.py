"""The registration forms (登记表) pages: the index, the screen and print views, the .xlsx and
.docx exports, the import template and the import (with htmx upload progress)."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lianfang.core.downloads import attachment
from lianfang.core.paging import page_of
from lianfang.core.permissions import permission_required
from lianfang.core.uploads import too_large_message

from .models import Register
from .registers import columns as cols
from .registers import exports, rows
from .registers.forms import RegisterFilterForm, RegisterImportForm
from .registers.importer import register_import as import_file
from .registers.reading import ImportRefused

# A print view renders every row into one page; beyond this the browser struggles, and a
# filter by unit or department (or the Word export) is the way to print.
PRINT_MAX_ROWS = 5000


def _register(code: str) -> Register:
    register = cols.register_of(code)
    if register is None:
        raise Http404
    return register


def _filters(request):
    form = RegisterFilterForm(request.user, request.GET)
    filters = form.filters()
    query = {
        "year": filters["year"],
        "unit": filters["unit"].pk if filters["unit"] else "",
        "department": filters["department"].pk if filters["department"] else "",
    }
    return form, filters, urlencode({k: v for k, v in query.items() if v})


def _risks(request, register, filters):
    return rows.register_risks(
        request.user,
        register,
        filters["year"],
        unit=filters["unit"].pk if filters["unit"] else None,
        department=filters["department"].pk if filters["department"] else None,
    )


def _title(request, register, filters) -> str:
    unit = rows.title_unit(request.user, filters["unit"], filters["department"])
    return cols.title(register, filters["year"], unit)


def _table_rows(source, columns):
    for row in source:
        yield {"seq": row["seq"], "cells": [(c.key, row.get(c.key)) for c in columns]}


@permission_required("risks.view")
def registers(request):
    form, filters, query = _filters(request)
    counts = rows.counts(
        request.user,
        filters["year"],
        unit=filters["unit"].pk if filters["unit"] else None,
        department=filters["department"].pk if filters["department"] else None,
    )
    items = [{"register": r, "count": counts[r.value]} for r in Register]
    context = {"form": form, "items": items, "query": query, "year": filters["year"]}
    return render(request, "risks/registers.html", context)


@permission_required("risks.view")
def register_view(request, register):
    register = _register(register)
    form, filters, query = _filters(request)
    columns = cols.COLUMNS[register]
    page = page_of(request, rows.values(_risks(request, register, filters)))
    table = _table_rows(rows.page_rows(page, page.start_index() - 1), columns)
    context = {
        "register": register,
        "form": form,
        "query": query,
        "title": _title(request, register, filters),
        "columns": columns,
        "page": page,
        "table": table,
    }
    return render(request, "risks/register_view.html", context)


@permission_required("risks.view")
def register_print(request, register):
    register = _register(register)
    _form, filters, query = _filters(request)
    columns = cols.COLUMNS[register]
    risks = _risks(request, register, filters)
    count = risks.count()
    context = {
        "register": register,
        "query": query,
        "title": _title(request, register, filters),
        "unit": rows.title_unit(request.user, filters["unit"], filters["department"]),
        "department": filters["department"],
        "year": filters["year"],
        "count": count,
        "too_many": count > PRINT_MAX_ROWS,
        "max_rows": PRINT_MAX_ROWS,
        "today": timezone.localdate(),
        "columns": columns,
        "table": _table_rows(rows.rows_of(risks), columns) if count <= PRINT_MAX_ROWS else [],
    }
    return render(request, "risks/register_print.html", context)


def _export(request, register, fmt):
    register = _register(register)
    _form, filters, _query = _filters(request)
    export = exports.register_export(
        actor=request.user,
        register=register,
        year=filters["year"],
        fmt=fmt,
        unit=filters["unit"],
        department=filters["department"],
    )
    return attachment(export)


@permission_required("risks.view")
@require_GET
def register_xlsx(request, register):
    return _export(request, register, "xlsx")


@permission_required("risks.view")
@require_GET
def register_docx(request, register):
    return _export(request, register, "docx")


@permission_required("risks.view")
@require_GET
def register_template(request, register):
    register = _register(register)
    return attachment(exports.register_template(actor=request.user, register=register))


@permission_required("risks.view")
@require_http_methods(["GET", "POST"])
def register_import(request, register):
    register = _register(register)
    _form, filters, query = _filters(request)
    result = {}
    if request.method == "POST":
        form = RegisterImportForm(request.POST, request.FILES)
        if (message := too_large_message(request)) is not None:
            form.add_error("file", message)
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result["created"] = import_file(
                    actor=request.user,
                    register=register,
                    year=form.cleaned_data["year"],
                    file=upload,
                    filename=upload.name,
                )
                result["year"] = form.cleaned_data["year"]
            except ImportRefused as refused:
                result["issues"] = refused.issues
                result["more"] = refused.more
    else:
        form = RegisterImportForm(initial={"year": filters["year"]})
    context = {
        "register": register,
        "form": form,
        "query": query,
        "result": result,
        "view_query": urlencode({"year": result.get("year", filters["year"])}),
        "columns": cols.COLUMNS[register],
        "categories": cols.category_labels(register),
    }
    if request.htmx and request.method == "POST":
        return render(request, "risks/register_import_panel.html", context)
    return render(request, "risks/register_import.html", context)


urlpatterns = [
    path("registers/", registers, name="registers"),
    path("registers/<str:register>/", register_view, name="register_view"),
    path("registers/<str:register>/print/", register_print, name="register_print"),
    path("registers/<str:register>/export.xlsx", register_xlsx, name="register_xlsx"),
    path("registers/<str:register>/export.docx", register_docx, name="register_docx"),
    path("registers/<str:register>/template.xlsx", register_template, name="register_template"),
    path("registers/<str:register>/import/", register_import, name="register_import"),
]

"""The power list's import and exports: .xlsx/.docx of the list (with the list page's
filters), the import template, the import page (htmx upload with progress), and one item's
flowchart as a Word table or as Mermaid source."""

from django import forms
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from lianfang.core.downloads import attachment
from lianfang.core.permissions import permission_required
from lianfang.core.scopes import get_scoped_or_404
from lianfang.core.text import join_list
from lianfang.core.uploads import too_large_message

from . import selectors
from .exchange import exports
from .exchange.columns import COLUMNS
from .exchange.importer import power_list_import
from .forms import PowerFilterForm
from .models import PowerItem

VIEW, MANAGE = "powers.view", "powers.manage"


class PowerImportForm(forms.Form):
    file = forms.FileField(
        label=_("权力清单文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{exports.XLSX}"}),
    )


def _filters(request) -> dict:
    return PowerFilterForm(request.GET, user=request.user).filters()


def _list(request, fmt: str):
    return attachment(exports.list_export(actor=request.user, filters=_filters(request), fmt=fmt))


@permission_required(VIEW)
@require_GET
def power_export_xlsx(request):
    return _list(request, "xlsx")


@permission_required(VIEW)
@require_GET
def power_export_docx(request):
    return _list(request, "docx")


@permission_required(VIEW)
@require_GET
def power_template(request):
    return attachment(exports.template_export())


@permission_required(MANAGE)
@require_http_methods(["GET", "POST"])
def power_import(request):
    result = None
    form = PowerImportForm()
    if request.method == "POST":
        form = PowerImportForm(request.POST, request.FILES)
        if (message := too_large_message(request)) is not None:
            form.add_error("file", message)
        elif form.is_valid():
            result = power_list_import(actor=request.user, file=form.cleaned_data["file"])
    context = {
        "form": form,
        "result": result,
        # The registers' panel shows the form, the progress bar and the problems.
        "refusal": {"issues": result.issues, "more": result.more} if result else {},
        "columns": COLUMNS,
        "categories": join_list(selectors.category_labels().values()),
    }
    if request.htmx and request.method == "POST":
        return render(request, "powers/exchange/import_panel.html", context)
    return render(request, "powers/exchange/import.html", context)


def _flow(request, pk: int, fmt: str):
    item = get_scoped_or_404(PowerItem.objects.all(), request.user, pk=pk)
    return attachment(exports.flow_export(actor=request.user, item=item, fmt=fmt))


@permission_required(VIEW)
@require_GET
def flow_export_docx(request, pk):
    return _flow(request, pk, "docx")


@permission_required(VIEW)
@require_GET
def flow_export_mermaid(request, pk):
    return _flow(request, pk, "mmd")


urlpatterns = [
    path("export.xlsx", power_export_xlsx, name="power_export_xlsx"),
    path("export.docx", power_export_docx, name="power_export_docx"),
    path("template.xlsx", power_template, name="power_template"),
    path("import/", power_import, name="power_import"),
    path("<int:pk>/flow.docx", flow_export_docx, name="flow_export_docx"),
    path("<int:pk>/flow.mmd", flow_export_mermaid, name="flow_export_mermaid"),
]

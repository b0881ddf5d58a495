"""The catalogues: 岗位职权目录, 制度目录, 业务流程目录, and the cleanup report."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from lianfang.core.forms import submit
from lianfang.core.paging import page_of
from lianfang.core.permissions import permission_required
from lianfang.core.scopes import get_scoped_or_404, scoped
from lianfang.org.models import Department

from .. import selectors, services
from ..forms import ProcessForm, RegulationForm
from ..models import Decision, Process, Regulation
from .items import MANAGE, VIEW


@permission_required(VIEW)
def post_catalogue(request):
    departments = scoped(Department.objects.all(), request.user)
    department = None
    if request.GET.get("department"):
        department = get_scoped_or_404(departments, request.user, pk=request.GET["department"])
    posts = selectors.post_catalogue(request.user, department)
    return render(
        request,
        "powers/post_catalogue.html",
        {
            "posts": posts,
            "department": department,
            "departments": departments.filter(posts__power_items__isnull=False)
            .distinct()
            .select_related("unit")
            .order_by("unit__path", "code"),
            "labels": selectors.category_labels(),
        },
    )


@permission_required(VIEW)
def cleanup_report(request):
    report = selectors.cleanup_report(request.user)
    rows = [
        {"year": year, "counts": [counts.get(d.value, 0) for d in Decision]}
        for year, counts in report.items()
    ]
    return render(
        request,
        "powers/cleanup_report.html",
        {"rows": rows, "decisions": Decision.labels},
    )


@dataclass(frozen=True)
class Catalogue:
    """What differs between the regulation and the process catalogue pages."""

    model: type
    form: type
    kwarg: str  # the services' keyword for the entry
    create: Callable
    update: Callable
    delete: Callable
    list_name: str
    saved: str
    created: str
    deleted: str


REGULATIONS = Catalogue(
    Regulation,
    RegulationForm,
    "regulation",
    services.regulation_create,
    services.regulation_update,
    services.regulation_delete,
    "powers:regulations",
    gettext_lazy("制度已保存。"),
    gettext_lazy("制度已登记。"),
    gettext_lazy("制度已删除。"),
)
PROCESSES = Catalogue(
    Process,
    ProcessForm,
    "process",
    services.process_create,
    services.process_update,
    services.process_delete,
    "powers:processes",
    gettext_lazy("业务流程已保存。"),
    gettext_lazy("业务流程已登记。"),
    gettext_lazy("业务流程已删除。"),
)


@permission_required(VIEW)
def regulation_list(request):
    entries = selectors.regulations(request.user).prefetch_related("power_items")
    return _list(request, REGULATIONS, entries)


@permission_required(VIEW)
def process_list(request):
    entries = selectors.processes(request.user).prefetch_related("power_items")
    return _list(request, PROCESSES, entries)


def _list(request, catalogue: Catalogue, entries):
    return render(
        request,
        f"powers/{catalogue.model._meta.model_name}_list.html",
        {
            "page": page_of(request, entries),
            "can_manage": request.user.has_permission(MANAGE),
        },
    )


def _edit(request, catalogue: Catalogue, pk=None):
    entry = get_scoped_or_404(catalogue.model.objects, request.user, pk=pk) if pk else None
    instance = catalogue.model.objects.get(pk=pk) if pk else None
    form = catalogue.form(request.POST or None, instance=instance, user=request.user)
    if pk:
        kwargs = {catalogue.kwarg: entry}
        saved = submit(form, lambda data: catalogue.update(actor=request.user, data=data, **kwargs))
    else:
        saved = submit(form, lambda data: catalogue.create(actor=request.user, data=data))
    if saved is None:
        context = {"form": form, "entry": entry, "catalogue": catalogue}
        return render(request, "powers/catalogue_form.html", context)
    messages.success(request, catalogue.saved if pk else catalogue.created)
    return redirect(catalogue.list_name)


def _remove(request, catalogue: Catalogue, pk):
    entry = get_scoped_or_404(catalogue.model.objects, request.user, pk=pk)
    if request.method != "POST":
        return render(request, "powers/confirm_delete.html", {"object": entry})
    try:
        catalogue.delete(actor=request.user, **{catalogue.kwarg: entry})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, catalogue.deleted)
    return redirect(catalogue.list_name)


@permission_required(MANAGE)
def regulation_create(request):
    return _edit(request, REGULATIONS)


@permission_required(MANAGE)
def regulation_edit(request, pk):
    return _edit(request, REGULATIONS, pk)


@permission_required(MANAGE)
def regulation_delete(request, pk):
    return _remove(request, REGULATIONS, pk)


@permission_required(MANAGE)
def process_create(request):
    return _edit(request, PROCESSES)


@permission_required(MANAGE)
def process_edit(request, pk):
    return _edit(request, PROCESSES, pk)


@permission_required(MANAGE)
def process_delete(request, pk):
    return _remove(request, PROCESSES, pk)

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lianfang.accounts.services import denial_record
from lianfang.org import selectors as org_selectors

from . import dicts, selectors
from .audit import verify
from .forms import AuditFilterForm, DictItemForm, submit
from .models import DictItem, DictType
from .paging import page_of
from .permissions import permission_required


@login_required
def home(request):
    user = request.user
    context = {}
    if user.has_permission("org.view"):
        context["counts"] = org_selectors.org_counts(user)
    if user.has_permission("findings.view"):
        context["findings"] = org_selectors.findings(user)
    return render(request, "core/home.html", context)


@permission_required("audit.view")
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entries(**{k: v for k, v in filters.items() if v})
    context = {"form": form, "page": page_of(request, entries.select_related("actor"))}
    if request.GET.get("verify"):
        context["chain_break"] = verify()
        context["verified"] = True
    return render(request, "core/audit_log.html", context)


@permission_required("dicts.manage")
def dict_list(request):
    return render(request, "core/dict_list.html", {"dict_types": selectors.dict_types()})


def _dict_item_form(request, form, dict_type, save):
    if submit(form, save) is not None:
        return redirect("core:dicts")
    return render(request, "core/dict_item_form.html", {"form": form, "dict_type": dict_type})


@permission_required("dicts.manage")
def dict_item_create(request, pk):
    dict_type = get_object_or_404(DictType, pk=pk)
    form = DictItemForm(request.POST or None)
    return _dict_item_form(
        request,
        form,
        dict_type,
        lambda data: dicts.dict_item_create(
            actor=request.user, data={**data, "dict_type": dict_type}
        ),
    )


@permission_required("dicts.manage")
def dict_item_edit(request, pk):
    item = get_object_or_404(DictItem, pk=pk)
    form = DictItemForm(request.POST or None, instance=DictItem.objects.get(pk=pk))
    return _dict_item_form(
        request,
        form,
        item.dict_type,
        lambda data: dicts.dict_item_update(actor=request.user, item=item, data=data),
    )


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def denied(request, exception=None):
    denial_record(user=request.user, path=f"{request.method} {request.path}")
    return render(request, "403.html", {"message": _("您没有访问此页面的权限。")}, status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)

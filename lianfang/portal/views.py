"""The public portal (权力清单公开): no login, read-only, readable without JavaScript."""

from functools import wraps

from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from lianfang.core.csp import flowchart_styles
from lianfang.core.paging import page_of
from lianfang.powers.selectors import category_labels, supervision_phone

from . import selectors
from .forms import PowerFilterForm

CACHE_SECONDS = 300
LATEST_REGULATIONS = 5


def public(view):
    """A public page, read only (GET and HEAD): cacheable by any cache for five minutes when
    it succeeds. The language comes from a cookie, so caches keep one copy per cookie."""

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
            patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper


def _render(request, template, context, status=200, section=""):
    context = {
        "section": section,
        "bureau": selectors.bureau(),
        "phone": supervision_phone(),
        **context,
    }
    return render(request, template, context, status=status)


@public
def home(request):
    tiles = selectors.category_tiles()
    latest = selectors.regulations()
    context = {
        "tiles": tiles,
        "total": sum(t["count"] for t in tiles),
        "departments": selectors.departments(),
        "regulations": [selectors.regulation_row(r) for r in latest[:LATEST_REGULATIONS]],
        "regulation_count": latest.count(),
    }
    return _render(request, "portal/home.html", context, section="home")


@public
def power_list(request):
    form = PowerFilterForm(request.GET)
    filters = form.filters()
    labels = category_labels()
    departments = selectors.departments()
    page = page_of(request, selectors.items(filters))
    context = {
        "form": form,
        "filters": filters,
        "labels": labels,
        "category_label": labels.get(filters.get("category", "")),
        "departments": departments,
        "department": next((d for d in departments if d["pk"] == filters.get("department")), None),
        "page": page,
        "rows": [selectors.item_row(item, labels) for item in page],
    }
    return _render(request, "portal/power_list.html", context, section="powers")


@public
@flowchart_styles
def power_detail(request, code):
    item = selectors.item(code)
    if item is None:
        return not_found(request)
    context = {
        "item": selectors.item_detail(item, category_labels()),
        "legend": selectors.level_legend(),
    }
    return _render(request, "portal/power_detail.html", context, section="powers")


@public
def regulation_list(request):
    page = page_of(request, selectors.regulations())
    context = {"page": page, "rows": [selectors.regulation_row(r) for r in page]}
    return _render(request, "portal/regulations.html", context, section="regulations")


def not_found(request, exception=None):
    return _render(request, "portal/not_found.html", {}, status=404)

"""The portal's data as read-only public JSON: the same items and fields as the pages."""

from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.powers.selectors import category_labels

from . import selectors
from .forms import PowerFilterForm
from .views import public

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def _json(data, status=200):
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _errors(errors: dict[str, list[str]]):
    return _json({"errors": errors}, status=400)


def _int_param(request, name: str, default: int, minimum: int) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise ValueError(_("须为不小于%(minimum)d的整数。") % {"minimum": minimum})
    return int(raw)


def _links(request, code: str) -> dict:
    return {
        "url": request.build_absolute_uri(reverse("portal:power", args=[code])),
        "api_url": request.build_absolute_uri(reverse("portal:power_json", args=[code])),
    }


@public
def power_list(request):
    form = PowerFilterForm(request.GET)
    errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
    values = {}
    for name, default, minimum in (("limit", DEFAULT_LIMIT, 1), ("offset", 0, 0)):
        try:
            values[name] = _int_param(request, name, default, minimum)
        except ValueError as error:
            errors[name] = [str(error)]
    if errors:
        return _errors(errors)
    limit, offset = min(values["limit"], MAX_LIMIT), values["offset"]
    items = selectors.items(form.filters())
    labels = category_labels()
    results = [
        {**selectors.item_row(item, labels), **_links(request, item.code)}
        for item in items[offset : offset + limit]
    ]
    return _json({"count": items.count(), "limit": limit, "offset": offset, "results": results})


@public
def power_detail(request, code):
    item = selectors.item(code)
    if item is None:
        return _json({"detail": _("未找到该权力事项，或该事项未公开。")}, status=404)
    detail = selectors.item_detail(item, category_labels())
    detail["updated_at"] = timezone.localtime(detail["updated_at"]).isoformat()
    flow = detail.pop("flow")
    return _json(
        {
            **detail,
            **_links(request, item.code),
            "steps": flow["steps"],
            "edges": flow["edges"],
            "flowchart_mermaid": flow["mermaid"],
        }
    )

"""The power list API (/api/v1/powers): power items, flowcharts, discretion standards, risk
points on powers, the regulation and process catalogues, and the catalogue reports.

Every read goes through the data scope (every cadre reads the whole power list of their unit;
an object outside it is a 404), every write through `lianfang.powers.services`, whose
PermissionDenied answers 403 and ValidationError 400.
"""

from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, F, Value, When
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from lianfang.core.api import crud_router, require, resolve_refs
from lianfang.core.scopes import get_scoped_or_404, scoped
from lianfang.org.models import Post
from lianfang.risks.models import RiskPoint

from . import selectors, services
from .api_schemas import (
    CategoryCountOut,
    CleanupYearOut,
    DiscretionIn,
    DiscretionOut,
    FlowIn,
    FlowOut,
    PostPowersOut,
    PowerItemFilters,
    PowerItemIn,
    PowerItemOut,
    PowerItemPatch,
    PowerItemRow,
    ProcessIn,
    ProcessOut,
    RegulationIn,
    RegulationOut,
    RiskLinkIn,
    RiskLinkOut,
)
from .models import Category, Decision, PowerItem, Process, Regulation, RiskLink

TAG = "权力清单"
router = Router(tags=[TAG])
VIEW = "powers.view"
MANAGE = "powers.manage"


def _route(method: str, path: str, name: str, **kwargs):
    """One operation, with the same unique name as operation id and URL name."""
    return getattr(router, method)(path, url_name=name, operation_id=name, **kwargs)


def _labelled(items):
    """Items with the category label this bureau uses, worked out in the query itself."""
    labels = selectors.category_labels()
    whens = [When(category=code, then=Value(str(label))) for code, label in labels.items()]
    return items.annotate(
        category_label=Case(*whens, default=F("category"), output_field=CharField())
    )


def _item(request, item_id: int) -> PowerItem:
    return get_scoped_or_404(PowerItem.objects.all(), request.user, pk=item_id)


def _shown(request, item_id: int) -> PowerItem:
    items = PowerItem.objects.select_related("unit", "department", "parent")
    return get_scoped_or_404(_labelled(items.prefetch_related("posts")), request.user, pk=item_id)


# Power items


@_route("get", "/items/", "power_item_list", response=list[PowerItemRow])
@paginate(LimitOffsetPagination)
def power_item_list(request, filters: Query[PowerItemFilters]):
    require(request, VIEW)
    return _labelled(selectors.item_list(request.user, filters.dict()))


@_route("get", "/items/{int:item_id}", "power_item_detail", response=PowerItemOut)
def power_item_detail(request, item_id: int):
    require(request, VIEW)
    return _shown(request, item_id)


@_route("post", "/items/", "power_item_create", response={201: PowerItemOut})
def power_item_create(request, payload: PowerItemIn):
    require(request, MANAGE)
    data = resolve_refs(PowerItem, payload.dict(exclude_unset=True), request.user)
    item = services.power_item_create(actor=request.user, data=data)
    return Status(201, _shown(request, item.pk))


@_route("patch", "/items/{int:item_id}", "power_item_update", response=PowerItemOut)
def power_item_update(request, item_id: int, payload: PowerItemPatch):
    require(request, MANAGE)
    item = _item(request, item_id)
    data = resolve_refs(PowerItem, payload.dict(exclude_unset=True), request.user)
    services.power_item_update(actor=request.user, item=item, data=data)
    return _shown(request, item_id)


@_route("delete", "/items/{int:item_id}", "power_item_delete", response={204: None})
def power_item_delete(request, item_id: int):
    require(request, MANAGE)
    services.power_item_delete(actor=request.user, item=_item(request, item_id))
    return Status(204, None)


# Flowcharts


def _flow(request, item: PowerItem) -> dict:
    rows = selectors.flow_rows(item, selectors.internal_risks(request.user))
    _steps, edges = selectors.flow_steps_and_edges(item)
    return {
        "item": item.pk,
        "total_days": sum(row.step.limit_days for row in rows),
        "steps": rows,
        "edges": edges,
        "mermaid": selectors.flow_mermaid(item, rows),
    }


def _with_posts(item: PowerItem, steps: list[dict]) -> list[dict]:
    """Step posts as objects, looked up only among the posts of the item's unit."""
    ids = {s["post"] for s in steps if s["post"] is not None}
    posts = Post.objects.filter(department__unit=item.unit_id).in_bulk(ids)
    for number, step in enumerate(steps, start=1):
        if step["post"] is None:
            continue
        if step["post"] not in posts:
            message = _("第%(n)d个环节的承办岗位（编号 %(id)s）不是本事项实施主体的岗位。")
            raise ValidationError({"steps": message % {"n": number, "id": step["post"]}})
        step["post"] = posts[step["post"]]
    return steps


@_route("get", "/items/{int:item_id}/flow", "power_flow", response=FlowOut)
def power_flow(request, item_id: int):
    require(request, VIEW)
    return _flow(request, _item(request, item_id))


@_route("put", "/items/{int:item_id}/flow", "power_flow_save", response=FlowOut)
def power_flow_save(request, item_id: int, payload: FlowIn):
    require(request, MANAGE)
    item = _item(request, item_id)
    steps = _with_posts(item, [step.dict() for step in payload.steps])
    edges = [edge.dict() for edge in payload.edges]
    services.flow_save(actor=request.user, item=item, steps=steps, edges=edges)
    return _flow(request, item)


# Discretion standards


def _discretion(item: PowerItem) -> dict:
    return {"item": item.pk, "rows": item.discretion.all()}


@_route("get", "/items/{int:item_id}/discretion", "power_discretion", response=DiscretionOut)
def power_discretion(request, item_id: int):
    require(request, VIEW)
    return _discretion(_item(request, item_id))


@_route("put", "/items/{int:item_id}/discretion", "power_discretion_save", response=DiscretionOut)
def power_discretion_save(request, item_id: int, payload: DiscretionIn):
    require(request, MANAGE)
    item = _item(request, item_id)
    rows = [row.dict() for row in payload.rows]
    services.discretion_save(actor=request.user, item=item, rows=rows)
    return _discretion(item)


# Risk points on powers: the risk through the risk library's scope, the power through the
# power list's


def _risk(request, risk_id: int) -> RiskPoint:
    return get_scoped_or_404(RiskPoint.objects.all(), request.user, pk=risk_id)


def _link(request, risk_id: int) -> RiskLink:
    risk = _risk(request, risk_id)
    items = scoped(PowerItem.objects.all(), request.user)
    links = RiskLink.objects.select_related("risk", "item", "step")
    link = links.filter(risk=risk, item__in=items).first()
    if link is None:
        raise Http404
    return link


@_route("get", "/risks/{int:risk_id}/power-link", "power_risk_link", response=RiskLinkOut)
def power_risk_link(request, risk_id: int):
    require(request, VIEW)
    return _link(request, risk_id)


@_route("put", "/risks/{int:risk_id}/power-link", "power_risk_link_set", response=RiskLinkOut)
def power_risk_link_set(request, risk_id: int, payload: RiskLinkIn):
    require(request, VIEW)
    risk = _risk(request, risk_id)
    data = resolve_refs(RiskLink, payload.dict(), request.user)
    return services.risk_link_set(
        actor=request.user, risk=risk, item=data["item"], step=data["step"]
    )


@_route("delete", "/risks/{int:risk_id}/power-link", "power_risk_link_remove", response={204: None})
def power_risk_link_remove(request, risk_id: int):
    require(request, VIEW)
    services.risk_link_remove(actor=request.user, link=_link(request, risk_id))
    return Status(204, None)


# Reports


@_route("get", "/catalogue/posts", "power_post_catalogue", response=list[PostPowersOut])
def power_post_catalogue(request, department: int | None = None):
    """岗位职权目录: every post exercising the caller's unit's powers, with those powers."""
    require(request, VIEW)
    labels = selectors.category_labels()
    return [
        {
            "post": post.pk,
            "post_name": post.name,
            "department": post.department_id,
            "department_name": post.department.name,
            "unit": post.department.unit_id,
            "unit_name": post.department.unit.name,
            "powers": [
                {
                    "id": item.pk,
                    "code": item.code,
                    "name": item.name,
                    "category": item.category,
                    "category_label": str(labels.get(item.category, item.category)),
                }
                for item in post.powers
            ],
        }
        for post in selectors.post_catalogue(request.user, department=department)
    ]


@_route("get", "/cleanup-report", "power_cleanup_report", response=list[CleanupYearOut])
def power_cleanup_report(request):
    """权力清理情况: the items of each cleanup year by decision, latest year first."""
    require(request, VIEW)
    return [
        {
            "year": year,
            **{d: counts.get(d, 0) for d in Decision.values},
            "total": sum(counts.values()),
        }
        for year, counts in selectors.cleanup_report(request.user).items()
    ]


@_route("get", "/categories", "power_categories", response=list[CategoryCountOut])
def power_categories(request, filters: Query[PowerItemFilters]):
    """The categories with the label this bureau uses and the number of items in each."""
    require(request, VIEW)
    counts = selectors.category_counts(selectors.item_list(request.user, filters.dict()))
    labels = selectors.category_labels()
    return [
        {"code": code, "label": str(labels[code]), "count": counts.get(code, 0)}
        for code in Category.values
    ]


# The regulation (制度目录) and business process (业务流程目录) catalogues: plain CRUD


def _catalogue(name: str, queryset, out_schema, in_schema) -> Router:
    return crud_router(
        name=name,
        queryset=queryset,
        out_schema=out_schema,
        in_schema=in_schema,
        services=services,
        view=VIEW,
        manage=MANAGE,
    )


router.add_router(
    "/regulations",
    _catalogue(
        "regulation",
        Regulation.objects.select_related("unit").prefetch_related("posts", "power_items"),
        RegulationOut,
        RegulationIn,
    ),
    tags=[TAG],
)
router.add_router(
    "/processes",
    _catalogue(
        "process",
        Process.objects.select_related("unit", "department").prefetch_related("power_items"),
        ProcessOut,
        ProcessIn,
    ),
    tags=[TAG],
)

"""The power list and one power item: its terms, flowchart, risk points and discretion."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.core.csp import flowchart_styles
from lianfang.core.forms import submit
from lianfang.core.paging import page_of
from lianfang.core.permissions import permission_required
from lianfang.core.scopes import get_scoped_or_404, scoped
from lianfang.risks.models import RiskPoint

from .. import selectors, services
from ..forms import PowerFilterForm, PowerItemForm, RiskLinkForm
from ..models import Category, PowerItem, RiskLink

VIEW, MANAGE = "powers.view", "powers.manage"


def scoped_item(request, pk) -> PowerItem:
    items = PowerItem.objects.select_related("unit", "department", "parent")
    return get_scoped_or_404(items, request.user, pk=pk)


@permission_required(VIEW)
def item_list(request):
    form = PowerFilterForm(request.GET or None, user=request.user)
    items = selectors.item_list(request.user, form.filters())
    return render(
        request,
        "powers/list.html",
        {
            "form": form,
            "page": page_of(request, items),
            "labels": selectors.category_labels(),
            "counts": selectors.category_counts(items),
            "can_manage": request.user.has_permission(MANAGE),
        },
    )


def _link_form(request, item, data=None):
    """Risks of the item's unit (in the user's scope) that may sit on the item's steps."""
    risks = scoped(RiskPoint.objects.filter(unit__path__startswith=item.unit.path), request.user)
    risks = risks.exclude(status="retired").order_by("-year", "title")
    return RiskLinkForm(data, risks=risks, steps=item.steps.all(), prefix="link")


def _detail(request, item, link_form=None):
    rows = selectors.flow_rows(item, selectors.internal_risks(request.user))
    links = selectors.item_risk_links(item, request.user)
    can_manage = request.user.has_permission(MANAGE)
    return render(
        request,
        "powers/detail.html",
        {
            "item": item,
            "category": selectors.category_labels().get(item.category, item.category),
            "rows": rows,
            "mermaid": selectors.flow_mermaid(item, rows) if rows else "",
            "links": links,
            "link_form": link_form or (_link_form(request, item) if can_manage else None),
            "discretion": item.discretion.all() if item.category == Category.PENALTY else None,
            "regulations": item.regulations.all(),
            "sub_items": item.sub_items.all(),
            "posts": item.posts.select_related("department"),
            "can_manage": can_manage,
            "phone": selectors.supervision_phone(item),
        },
    )


@flowchart_styles
@permission_required(VIEW)
def item_detail(request, pk):
    return _detail(request, scoped_item(request, pk))


def _form_page(request, form, item=None):
    return render(request, "powers/form.html", {"form": form, "item": item})


@permission_required(MANAGE)
def item_create(request):
    form = PowerItemForm(request.POST or None, user=request.user)
    item = submit(form, lambda data: services.power_item_create(actor=request.user, data=data))
    if item is None:
        return _form_page(request, form)
    messages.success(request, _("权力事项已登记。"))
    return redirect("powers:detail", pk=item.pk)


@permission_required(MANAGE)
def item_edit(request, pk):
    item = scoped_item(request, pk)
    # The form validates its own copy; the service applies the change to `item` and audits it.
    form = PowerItemForm(request.POST or None, instance=scoped_item(request, pk), user=request.user)
    saved = submit(
        form, lambda data: services.power_item_update(actor=request.user, item=item, data=data)
    )
    if saved is None:
        return _form_page(request, form, item)
    messages.success(request, _("权力事项已保存。"))
    return redirect("powers:detail", pk=pk)


@permission_required(MANAGE)
def item_delete(request, pk):
    item = scoped_item(request, pk)
    if request.method == "POST":
        try:
            services.power_item_delete(actor=request.user, item=item)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("powers:detail", pk=pk)
        messages.success(request, _("权力事项已删除。"))
        return redirect("powers:list")
    return render(request, "powers/confirm_delete.html", {"object": item})


@require_POST
@flowchart_styles
@permission_required(VIEW)
def risk_link(request, pk):
    item = scoped_item(request, pk)
    form = _link_form(request, item, request.POST)

    def save(data):
        return services.risk_link_set(
            actor=request.user, risk=data["risk"], item=item, step=data["step"]
        )

    if submit(form, save) is None:
        return _detail(request, item, link_form=form)
    messages.success(request, _("风险点已关联到本事项。"))
    return redirect("powers:detail", pk=pk)


@require_POST
@permission_required(VIEW)
def risk_unlink(request, pk, link_pk):
    item = scoped_item(request, pk)
    link = get_scoped_or_404(RiskLink.objects.filter(item=item), request.user, pk=link_pk)
    services.risk_link_remove(actor=request.user, link=link)
    messages.success(request, _("已解除关联。"))
    return redirect("powers:detail", pk=pk)

"""Reads of the power list: inside the unit for cadres, published-only for the public."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, Q, Sum
from django.utils.translation import override

from lianfang.core.models import DictItem
from lianfang.core.scopes import scoped
from lianfang.org.models import Post
from lianfang.risks.models import Measure, MeasureStatus, Publication, RiskPoint, Status

from . import flows
from .models import (
    CATEGORY_DICT,
    Category,
    Decision,
    FlowStep,
    PowerItem,
    Process,
    Regulation,
    RegulationStatus,
    RiskLink,
)


def category_labels() -> dict[str, str]:
    """The category names this bureau uses: a label renamed in the data dictionary (a local
    alias such as 行政监督) wins; an unchanged one follows the reader's language."""
    labels = {code: str(label) for code, label in Category.choices}
    with override(settings.LANGUAGE_CODE):
        defaults = {code: str(label) for code, label in Category.choices}
    items = DictItem.objects.filter(dict_type__code=CATEGORY_DICT, is_active=True)
    for code, label in items.values_list("code", "label"):
        if code in labels and label != defaults[code]:
            labels[code] = label
    return labels


def item_list(user, filters: dict | None = None):
    items = scoped(PowerItem.objects.all(), user)
    return apply_filters(items, filters or {}).select_related("unit", "department")


def apply_filters(items, filters: dict):
    if filters.get("category"):
        items = items.filter(category=filters["category"])
    if filters.get("unit"):
        items = items.filter(unit=filters["unit"])
    if filters.get("department"):
        items = items.filter(department=filters["department"])
    if filters.get("decision"):
        items = items.filter(decision=filters["decision"])
    if filters.get("published") in (True, False):
        items = items.filter(published=filters["published"])
    if filters.get("q"):
        text = filters["q"].strip()
        items = items.filter(Q(name__contains=text) | Q(code__startswith=text))
    return items


def supervision_phone(item: PowerItem | None = None) -> str:
    """Where to complain about an item: its own supervision phone, else the bureau's."""
    return (item.supervision_phone if item is not None else "") or settings.SUPERVISION_PHONE


def category_counts(items) -> dict[str, int]:
    return dict(items.order_by().values_list("category").annotate(n=Count("pk")))


def item_risk_links(item: PowerItem, user):
    """The risk points tied to `item` that `user` may see, with the step each sits on."""
    links = RiskLink.objects.filter(item=item, risk__in=internal_risks(user))
    return links.select_related("risk", "step").order_by("step__order", "risk__level", "pk")


def public_items(filters: dict | None = None):
    """What the portal lists: published items that are still in force."""
    items = PowerItem.objects.filter(published=True).exclude(decision=Decision.CANCEL)
    return apply_filters(items, filters or {}).select_related("unit", "department")


def public_category_counts() -> dict[str, int]:
    return category_counts(public_items())


def public_regulations():
    return Regulation.objects.filter(published=True, status=RegulationStatus.IN_FORCE)


def shown_measures() -> Prefetch:
    """The measures a flowchart shows with its risks: not those called off."""
    measures = Measure.objects.exclude(status=MeasureStatus.CANCELLED).order_by("pk")
    return Prefetch("measures", queryset=measures)


@dataclass
class FlowRow:
    """One line of the table 工作流程 | 廉政风险点 | 防控措施."""

    step: FlowStep
    risks: list[RiskPoint] = field(default_factory=list)

    @property
    def level(self) -> int | None:
        levels = [r.level for r in self.risks if r.level]
        return min(levels) if levels else None


def flow_rows(item: PowerItem, risks) -> list[FlowRow]:
    """The item's steps in order, each with the risk points from `risks` that sit on it."""
    rows = {s.pk: FlowRow(s) for s in item.steps.select_related("post")}
    links = RiskLink.objects.filter(item=item, step__isnull=False, risk__in=risks)
    linked = risks.filter(power_link__in=links).prefetch_related(shown_measures())
    risk_by_pk = {r.pk: r for r in linked}
    for step_id, risk_id in links.values_list("step_id", "risk_id"):
        rows[step_id].risks.append(risk_by_pk[risk_id])
    return list(rows.values())


def internal_risks(user):
    """Risk points a cadre sees on a flowchart: those in their scope."""
    return scoped(RiskPoint.objects.exclude(status=Status.RETIRED), user)


def public_risks():
    """Risk points the public sees: effective and published to society."""
    return RiskPoint.objects.filter(status=Status.EFFECTIVE, publication=Publication.PUBLIC)


def flow_edges(item: PowerItem) -> list[dict]:
    """The flowchart's connections as the flow rules and Mermaid take them."""
    transitions = item.transitions.values_list("source__key", "target__key", "condition")
    return [{"source": s, "target": t, "condition": c} for s, t, c in transitions]


def flow_mermaid(item: PowerItem, rows: list[FlowRow], edges: list[dict] | None = None) -> str:
    steps = [
        {
            "key": r.step.key,
            "kind": r.step.kind,
            "name": r.step.name,
            "limit_days": r.step.limit_days,
            "post_name": r.step.post.name if r.step.post_id else "",
        }
        for r in rows
    ]
    if edges is None:
        edges = flow_edges(item)
    levels = {r.step.key: r.level for r in rows if r.level}
    return flows.mermaid(
        steps, edges, levels, settings.RISK_LEVEL_MARKS, settings.RISK_LEVEL_COLOURS
    )


def flow_steps_and_edges(item: PowerItem) -> tuple[list[dict], list[dict]]:
    """The saved flow in the editor's shape."""
    steps = list(
        item.steps.values(
            "key",
            "kind",
            "name",
            "post",
            "limit_days",
            "documents",
            "supervision_point",
            "case_step",
        )
    )
    return steps, flow_edges(item)


def monitored_step_limits():
    """Each item's limit per monitored step of a case (受理, 承办, …): the sum of the limits of
    its flowchart nodes that name that step. Rows of item_id, case_step, days."""
    return (
        FlowStep.objects.exclude(case_step="")
        .order_by()
        .values("item_id", "case_step")
        .annotate(days=Sum("limit_days"))
    )


def post_catalogue(user, department=None):
    """岗位职权目录: the posts that exercise the user's unit's powers, each with its powers."""
    active = scoped(PowerItem.objects.exclude(decision=Decision.CANCEL), user).order_by("code")
    posts = Post.objects.filter(power_items__in=active).distinct()
    if department is not None:
        posts = posts.filter(department=department)
    return (
        posts.select_related("department", "department__unit")
        .prefetch_related(Prefetch("power_items", queryset=active, to_attr="powers"))
        .order_by("department__unit__path", "department__code", "pk")
    )


def cleanup_report(user):
    """Items newly set and cancelled, per cleanup year (权力清理情况)."""
    items = scoped(PowerItem.objects.all(), user).order_by()
    rows = items.values("decision_year", "decision").annotate(n=Count("pk"))
    report: dict[int, dict[str, int]] = {}
    for row in rows:
        report.setdefault(row["decision_year"], {})[row["decision"]] = row["n"]
    return dict(sorted(report.items(), reverse=True))


def regulations(user):
    return scoped(Regulation.objects.all(), user).select_related("unit")


def processes(user):
    return scoped(Process.objects.all(), user).select_related("unit", "department")

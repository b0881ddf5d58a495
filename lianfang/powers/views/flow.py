"""The flowchart editor: steps and connections as two lists, checked and saved as a whole."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.core.permissions import permission_required
from lianfang.org.models import Post

from .. import selectors, services
from ..forms import EdgeFormSet, StepFormSet
from ..models import StepKind
from .items import MANAGE, scoped_item

# A new flow starts from the usual shape of an approval, to be adapted rather than drawn.
SKELETON_STEPS = [
    ("start", StepKind.START, gettext_lazy("申请人提交申请"), 0),
    ("accept", StepKind.STEP, gettext_lazy("受理"), 1),
    ("review", StepKind.DECISION, gettext_lazy("审查"), 0),
    ("decide", StepKind.STEP, gettext_lazy("决定"), 1),
    ("end", StepKind.END, gettext_lazy("办结送达"), 0),
]
SKELETON_EDGES = [
    ("start", "accept", ""),
    ("accept", "review", ""),
    ("review", "decide", gettext_lazy("符合条件")),
    ("review", "end", gettext_lazy("不符合条件")),
    ("decide", "end", ""),
]


def _initial(item):
    steps, edges = selectors.flow_steps_and_edges(item)
    if not steps:
        steps = [
            {"key": k, "kind": kind, "name": str(name), "limit_days": days}
            for k, kind, name, days in SKELETON_STEPS
        ]
        edges = [{"source": s, "target": t, "condition": str(c)} for s, t, c in SKELETON_EDGES]
    for order, step in enumerate(steps, start=1):
        step["ORDER"] = order
    return steps, edges


def _step_choices(formset_data, prefix: str, initial: list[dict]) -> list[tuple[str, str]]:
    """The steps the connections may name: those posted (before validation), or the saved ones."""
    if formset_data is None:
        return [(s["key"], f"{s['name']}（{s['key']}）") for s in initial]
    total = int(formset_data.get(f"{prefix}-TOTAL_FORMS") or 0)
    choices = []
    for i in range(min(total, 200)):
        key = formset_data.get(f"{prefix}-{i}-key", "").strip()
        if key and not formset_data.get(f"{prefix}-{i}-DELETE"):
            choices.append((key, f"{formset_data.get(f'{prefix}-{i}-name', '')}（{key}）"))
    return choices


def _posted_flow(steps_fs, edges_fs) -> tuple[list[dict], list[dict]]:
    steps = [
        {k: v for k, v in f.cleaned_data.items() if k not in ("ORDER", "DELETE")}
        for f in steps_fs.ordered_forms
    ]
    edges = [
        f.cleaned_data
        for f in edges_fs.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]
    return steps, edges


@permission_required(MANAGE)
def flow_edit(request, pk):
    item = scoped_item(request, pk)
    posts = Post.objects.filter(department__unit=item.unit_id).select_related("department")
    data = request.POST if request.method == "POST" else None
    initial_steps, initial_edges = _initial(item)
    step_choices = _step_choices(data, "steps", initial_steps)
    steps_fs = StepFormSet(
        data, initial=None if data else initial_steps, prefix="steps", form_kwargs={"posts": posts}
    )
    edges_fs = EdgeFormSet(
        data,
        initial=None if data else initial_edges,
        prefix="edges",
        form_kwargs={"steps": step_choices},
    )
    errors = []
    if data is not None and steps_fs.is_valid() and edges_fs.is_valid():
        steps, edges = _posted_flow(steps_fs, edges_fs)
        try:
            services.flow_save(actor=request.user, item=item, steps=steps, edges=edges)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("流程图已保存。"))
            return redirect("powers:detail", pk=pk)
    elif data is not None:
        errors = [_("请按提示修改标红的内容。")]
    return render(
        request,
        "powers/flow_edit.html",
        {
            "item": item,
            "steps_fs": steps_fs,
            "edges_fs": edges_fs,
            "errors": errors,
            "kinds": StepKind.choices,
        },
    )

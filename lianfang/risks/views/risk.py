"""One risk: its grading and responsible leader, measures, the five steps, and the forms."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianfang.core.forms import submit
from lianfang.core.permissions import permission_required
from lianfang.core.scopes import get_scoped_or_404
from lianfang.core.text import join_list
from lianfang.org.selectors import current_assignments

from .. import grading, rules, selectors, services
from ..forms import (
    WORKFLOW_FORMS,
    GradeForm,
    MeasureForm,
    RiskForm,
    matrix_choices,
    registers_for,
)
from ..models import (
    OPEN_MEASURE_STATUSES,
    GradingMatrix,
    GradingMethod,
    Level,
    Measure,
    Register,
    RiskPoint,
    Status,
    Step,
)

LEADER_RULES = {
    Level.ONE: gettext_lazy("一级风险由单位主要领导负责"),
    Level.TWO: gettext_lazy("二级风险由部门的分管领导负责"),
    Level.THREE: gettext_lazy("三级风险由部门负责人负责"),
}


def scoped_risk(request, pk):
    risks = selectors.with_reassessment(selectors.with_responsible_leader(RiskPoint.objects))
    risks = risks.select_related(
        "unit", "department", "post", "person", "responsible_person", "copied_from"
    )
    return get_scoped_or_404(risks, request.user, pk=pk)


def _steps(risk) -> list[dict]:
    def state(value):
        if risk.status == Status.EFFECTIVE or value < risk.step:
            return "done"
        return "current" if value == risk.step else "todo"

    return [{"label": label, "state": state(value)} for value, label in Step.choices]


def _leader_rule(risk) -> str:
    if risk.level is None:
        return _("评定风险等级后按分级负责确定责任领导。")
    if risk.department_id is None:
        return _("单位登记表的风险由单位主要领导负责")
    return str(LEADER_RULES[risk.level])


def _inputs_in_words(record, matrix: GradingMatrix) -> list[tuple[str, str]]:
    """A grading's stored inputs, labelled the way the form asked for them."""
    inputs = record.inputs or {}
    words = []
    for key, count, labels, name in (
        ("likelihood", matrix.size[0], matrix.likelihood_labels, _("可能性")),
        ("impact", matrix.size[1], matrix.impact_labels, _("影响程度")),
    ):
        if inputs.get(key) is not None:
            words.append((name, dict(matrix_choices(count, labels)).get(inputs[key], inputs[key])))
    if record.method == GradingMethod.CRITERIA:
        met = [
            str(label)
            for code, label in grading.CRITERIA.items()
            if code in inputs.get("criteria", [])
        ]
        words.append((_("符合的定级标准"), join_list(met) or _("无")))
    if inputs.get("power_type"):
        words.insert(0, (_("权力类型"), grading.POWER_TYPES.get(inputs["power_type"], "")))
    return words


def _measures(risk) -> list:
    today = timezone.localdate()
    measures = list(selectors.measures_of(risk))
    for m in measures:
        m.overdue = (
            m.status in OPEN_MEASURE_STATUSES and m.due_date is not None and m.due_date < today
        )
    return measures


def _checklist(risk) -> list[dict]:
    errors = services.effectiveness_errors(risk)
    items = [
        ("level", _("已评定风险等级")),
        ("measures", _("至少有一项防控措施")),
        ("responsible_person", _("已指定直接责任人")),
        ("responsible_leader", _("按分级负责确定了责任领导")),
    ]
    return [
        {"label": label, "ok": key not in errors, "error": errors.get(key)} for key, label in items
    ]


def _detail(request, risk, bound=None):
    """The risk page; `bound` is (action, form) for a workflow form that came back with errors."""
    user = request.user
    gradings = list(selectors.gradings_of(risk)[:6])
    allowed = {
        "edit": rules.can_edit(user, risk),
        "submit": rules.can_submit(user, risk),
        "comment": rules.can_comment(user, risk),
        "return": rules.can_return(user, risk),
        "decide": rules.can_decide(user, risk),
    }
    forms = {
        name: bound[1] if bound and bound[0] == name else form_class(prefix=name)
        for name, form_class in WORKFLOW_FORMS.items()
        if allowed[name]
    }
    if "decide" in forms and not forms["decide"].is_bound:
        forms["decide"].fields["meeting_date"].initial = timezone.localdate()
    context = {
        "risk": risk,
        "tab": "detail",
        "steps": _steps(risk),
        "grading": gradings[0] if gradings else None,
        "grading_inputs": _inputs_in_words(gradings[0], selectors.active_matrix())
        if gradings
        else [],
        "earlier_gradings": gradings[1:],
        "leader_rule": _leader_rule(risk),
        "measures": _measures(risk),
        "workflow": selectors.workflow_of(risk),
        "allowed": allowed,
        "forms": forms,
        "checklist": _checklist(risk) if "decide" in forms else None,
        "today": timezone.localdate(),
    }
    return render(request, "risks/detail.html", context)


@permission_required("risks.view")
def detail(request, pk):
    return _detail(request, scoped_risk(request, pk))


@require_POST
@permission_required("risks.view")
def workflow_action(request, pk, action):
    risk = scoped_risk(request, pk)
    if action not in WORKFLOW_FORMS:
        raise Http404
    form = WORKFLOW_FORMS[action](request.POST, prefix=action)
    actor = request.user

    def run(data):
        if action == "submit":
            return services.workflow_submit(actor=actor, risk=risk, comment=data["comment"])
        if action == "comment":
            return services.workflow_comment(actor=actor, risk=risk, comment=data["comment"])
        if action == "return":
            return services.workflow_return(actor=actor, risk=risk, reason=data["comment"])
        return services.workflow_decide(actor=actor, risk=risk, **data)

    if submit(form, run) is None:
        return _detail(request, scoped_risk(request, pk), bound=(action, form))
    done = {
        "submit": _("已提交下一环节。"),
        "comment": _("意见已记录。"),
        "return": _("已退回“自己找”环节。"),
        "decide": _("已集体审定，风险点已生效。"),
    }
    messages.success(request, done[action])
    return redirect("risks:detail", pk=pk)


def _own_post(person_id):
    assignments = current_assignments().filter(person_id=person_id)
    first = assignments.order_by("concurrent", "-start_date").first()
    return first.post_id if first else None


@permission_required("risks.view")
def risk_create(request):
    user = request.user
    register = request.GET.get("register") or Register.POST
    if register not in Register.values:
        raise Http404
    if register not in registers_for(user):
        raise PermissionDenied
    initial = {"responsible_person": user.person_id}
    if register == Register.POST:
        initial.update(person=user.person_id, post=_own_post(user.person_id))
    form = RiskForm(request.POST or None, register=register, user=user, initial=initial)
    risk = submit(
        form, lambda data: services.risk_create(actor=user, data={**data, "register": register})
    )
    if risk is not None:
        messages.success(request, _("已登记风险点，请评定风险等级并制定防控措施。"))
        return redirect("risks:detail", pk=risk.pk)
    return render(request, "risks/form.html", {"form": form, "register": Register(register)})


def _editable_risk(request, pk):
    risk = scoped_risk(request, pk)
    if not rules.can_edit(request.user, risk):
        raise PermissionDenied
    return risk


@permission_required("risks.view")
def risk_edit(request, pk):
    risk = _editable_risk(request, pk)
    # The form validates its own copy; the service applies the change to `risk` and audits it.
    form = RiskForm(
        request.POST or None,
        register=risk.register,
        user=request.user,
        instance=RiskPoint.objects.get(pk=pk),
    )
    saved = submit(
        form,
        lambda data: services.risk_update(actor=request.user, risk=risk, data=data),
    )
    if saved is not None:
        messages.success(request, _("已保存。"))
        return redirect("risks:detail", pk=pk)
    context = {"form": form, "register": Register(risk.register), "risk": risk}
    return render(request, "risks/form.html", context)


@permission_required("risks.view")
def risk_grade(request, pk):
    risk = _editable_risk(request, pk)
    method = settings.RISK_GRADING_METHOD
    matrix = selectors.active_matrix()
    initial = {"likelihood": risk.likelihood, "impact": risk.impact}
    form = GradeForm(request.POST or None, method=method, matrix=matrix, initial=initial)
    record = submit(
        form,
        lambda data: services.risk_grade(
            actor=request.user, risk=risk, method=method, inputs=form.inputs(data)
        ),
    )
    if record is not None:
        messages.success(request, record.rationale)
        return redirect("risks:detail", pk=pk)
    rows, cols = matrix.size
    grid = [
        {"label": label, "cells": matrix.cells[n - 1], "current": n == risk.likelihood}
        for n, label in matrix_choices(rows, matrix.likelihood_labels)
    ]
    context = {
        "risk": risk,
        "form": form,
        "method_label": GradingMethod(method).label,
        "show_matrix": method != GradingMethod.CRITERIA,
        "grid": grid[::-1],  # likelihood grows upwards, as on the published matrices
        "impact_labels": [label for _n, label in matrix_choices(cols, matrix.impact_labels)],
        "level_labels": dict(Level.choices),
    }
    return render(request, "risks/grade.html", context)


def _measure_page(request, risk, form, save, measure=None):
    if submit(form, save) is not None:
        messages.success(request, _("已保存防控措施。"))
        return redirect(reverse("risks:detail", args=[risk.pk]) + "#measures")
    context = {"risk": risk, "form": form, "measure": measure}
    return render(request, "risks/measure_form.html", context)


@permission_required("risks.view")
def measure_create(request, pk):
    risk = _editable_risk(request, pk)
    owner = risk.responsible_person_id or risk.person_id
    form = MeasureForm(request.POST or None, user=request.user, initial={"owner": owner})
    return _measure_page(
        request,
        risk,
        form,
        lambda data: services.measure_create(actor=request.user, risk=risk, data=data),
    )


def _editable_measure(request, pk):
    measure = get_scoped_or_404(Measure.objects.select_related("risk"), request.user, pk=pk)
    if not rules.can_edit(request.user, measure.risk):
        raise PermissionDenied
    return measure


@permission_required("risks.view")
def measure_edit(request, pk):
    measure = _editable_measure(request, pk)
    form = MeasureForm(request.POST or None, user=request.user, instance=Measure.objects.get(pk=pk))
    return _measure_page(
        request,
        measure.risk,
        form,
        lambda data: services.measure_update(actor=request.user, measure=measure, data=data),
        measure,
    )


@permission_required("risks.view")
def measure_delete(request, pk):
    measure = _editable_measure(request, pk)
    if request.method == "POST":
        services.measure_delete(actor=request.user, measure=measure)
        messages.success(request, _("已删除防控措施。"))
        return redirect(reverse("risks:detail", args=[measure.risk_id]) + "#measures")
    return render(request, "risks/measure_delete.html", {"measure": measure, "risk": measure.risk})

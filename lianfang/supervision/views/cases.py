"""The case list with its filters, and one case: its facts, timeline against its deadlines and
its findings, each explained."""

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.core.paging import page_of
from lianfang.core.permissions import permission_required
from lianfang.core.scopes import scoped
from lianfang.org.forms import department_label
from lianfang.org.models import Department
from lianfang.powers.models import PowerItem

from .. import clock, explain, selectors, services, timeline
from ..models import CardLevel, CaseStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("办件编号"), required=False, max_length=100)
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    card_level = forms.TypedChoiceField(
        label=gettext_lazy("预警级别"), required=False, coerce=int, empty_value=None
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("承办机构"), required=False, queryset=Department.objects.none()
    )
    power_item = forms.ModelChoiceField(
        label=gettext_lazy("权力事项"), required=False, queryset=PowerItem.objects.none()
    )
    received_from = forms.DateField(label=gettext_lazy("受理日期自"), required=False, widget=DATE)
    received_to = forms.DateField(label=gettext_lazy("至"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        self.fields["status"].choices = everything + list(CaseStatus.choices)
        self.fields["card_level"].choices = everything + list(CardLevel.choices)
        departments = scoped(Department.objects.all(), user).select_related("unit")
        self.fields["department"].queryset = departments.order_by("unit__path", "code")
        self.fields["department"].label_from_instance = department_label
        self.fields["department"].empty_label = _("全部")
        items = scoped(PowerItem.objects.all(), user).order_by("code")
        self.fields["power_item"].queryset = items
        self.fields["power_item"].empty_label = _("全部")

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


@permission_required("supervision.view")
def case_list(request):
    form = CaseFilterForm(request.GET or None, user=request.user)
    cases = selectors.case_list(request.user, form.filters())
    return render(
        request, "supervision/cases.html", {"form": form, "page": page_of(request, cases)}
    )


@permission_required("supervision.view")
def case_detail(request, pk):
    user, now = request.user, timezone.now()
    case = selectors.case_of(user, pk)
    applicant = None
    if request.GET.get("applicant") == "full":
        applicant = services.applicant_reveal(user=user, case=case)
    events = selectors.events_of(case)
    rows, chart = timeline.timeline(case, events, now)
    findings = [(f, explain.explain(f, case, events)) for f in selectors.findings_of(case)]
    context = {
        "case": case,
        "applicant": applicant,
        "can_reveal": user.has_permission("supervision.applicant"),
        "rows": rows,
        "chart": chart,
        "findings": findings,
        "used": timeline.working_days_used(
            case.received_at,
            case.completed_at or now,
            clock.replay(case.received_at, events).pauses,
        ),
    }
    return render(request, "supervision/case.html", context)

"""Forms of the power-list pages. Rules live in the services; forms only shape the input."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.scopes import scoped
from lianfang.org.forms import ScopedModelForm, department_label, post_label
from lianfang.org.models import Department, Post, Unit

from . import selectors, texts
from .models import (
    CaseStep,
    Decision,
    DiscretionStandard,
    PowerItem,
    Process,
    Regulation,
    StepKind,
)

YES_NO = [("", _("全部")), ("1", _("已公开")), ("0", _("未公开"))]


def _category_choices(blank=None):
    choices = list(selectors.category_labels().items())
    return [("", blank), *choices] if blank else choices


class PowerFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("权力类别"), required=False)
    department = forms.ModelChoiceField(
        label=_("承办机构"),
        required=False,
        queryset=Department.objects.none(),
        empty_label=_("全部"),
    )
    decision = forms.ChoiceField(
        label=_("清理意见"), required=False, choices=[("", _("全部")), *Decision.choices]
    )
    published = forms.ChoiceField(label=_("公开状态"), required=False, choices=YES_NO)
    q = forms.CharField(label=_("事项名称或编码"), required=False, max_length=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices(_("全部"))
        departments = Department.objects.filter(
            pk__in=selectors.item_list(user).values("department")
        ).select_related("unit")
        self.fields["department"].queryset = departments.order_by("unit__path", "code")
        self.fields["department"].label_from_instance = department_label

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
        if "published" in data:
            data["published"] = data["published"] == "1"
        return data


class LinesField(forms.CharField):
    """A textarea of lines parsed into a list of dicts (legal bases, responsibility items)."""

    def __init__(self, *, parse, **kwargs):
        self.parse = parse
        super().__init__(widget=forms.Textarea(attrs={"rows": 4}), required=False, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        try:
            return self.parse(text)
        except texts.LineError as exc:
            raise forms.ValidationError(str(exc)) from exc


class PowerItemForm(ScopedModelForm):
    basis_set = LinesField(
        label=_("设定依据"),
        parse=texts.parse_bases,
        help_text=_("每行一条：《文件名称》第×条：条文摘录。"),
    )
    basis_implement = LinesField(
        label=_("实施依据"), parse=texts.parse_bases, help_text=_("格式同设定依据，可不填。")
    )
    responsibilities = LinesField(
        label=_("责任事项"),
        parse=texts.parse_responsibilities,
        help_text=_("每行一个环节：环节名称：责任内容，如“受理责任：……”。"),
    )

    class Meta:
        model = PowerItem
        fields = [
            "code",
            "name",
            "category",
            "parent",
            "unit",
            "department",
            "posts",
            "basis_set",
            "basis_implement",
            "responsibilities",
            "accountability",
            "legal_limit",
            "promised_limit",
            "fee_basis",
            "fee_standard",
            "fee_amount",
            "supervision_phone",
            "relief",
            "decision",
            "decision_year",
            "decision_reason",
            "procedure_ref",
            "published",
        ]
        widgets = {
            "posts": forms.CheckboxSelectMultiple,
            "accountability": forms.Textarea(attrs={"rows": 3}),
            "fee_basis": forms.Textarea(attrs={"rows": 2}),
            "relief": forms.Textarea(attrs={"rows": 2}),
            "decision_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk:
            for name, format_ in (
                ("basis_set", texts.format_bases),
                ("basis_implement", texts.format_bases),
                ("responsibilities", texts.format_responsibilities),
            ):
                self.initial[name] = format_(getattr(self.instance, name))
        else:
            self.initial.setdefault("decision_year", timezone.localdate().year)
        units = scoped(Unit.objects.all(), user)
        self.fields["category"].choices = _category_choices()
        self.fields["unit"].queryset = units
        self.fields["department"].queryset = Department.objects.filter(
            unit__in=units
        ).select_related("unit")
        self.fields["department"].label_from_instance = department_label
        self.fields["posts"].queryset = Post.objects.filter(
            department__unit__in=units
        ).select_related("department")
        self.fields["posts"].label_from_instance = post_label
        self.fields["parent"].queryset = selectors.item_list(user).filter(parent__isnull=True)
        self.fields["code"].help_text = _("按本省编码规则填写。")


class StepForm(forms.Form):
    key = forms.SlugField(label=_("标识"), max_length=30)
    kind = forms.ChoiceField(label=_("类型"), choices=StepKind.choices, initial=StepKind.STEP)
    name = forms.CharField(label=_("环节名称"), max_length=100)
    post = forms.ModelChoiceField(
        label=_("承办岗位"),
        required=False,
        queryset=Post.objects.none(),
        empty_label=_("（不指定）"),
    )
    limit_days = forms.IntegerField(
        label=_("时限（工作日）"), min_value=0, max_value=999, initial=0
    )
    documents = forms.CharField(label=_("文书"), max_length=200, required=False)
    supervision_point = forms.BooleanField(label=_("监察点"), required=False)
    case_step = forms.ChoiceField(
        label=_("监察环节"), required=False, choices=[("", "—"), *CaseStep.choices]
    )

    def __init__(self, *args, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts
        self.fields["post"].label_from_instance = post_label


class EdgeForm(forms.Form):
    source = forms.ChoiceField(label=_("从"))
    target = forms.ChoiceField(label=_("到"))
    condition = forms.CharField(label=_("条件"), max_length=50, required=False)

    def __init__(self, *args, steps, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *steps]
        self.fields["source"].choices = choices
        self.fields["target"].choices = choices


# No blank rows: the editor's buttons add them (with a fresh key for a step).
StepFormSet = forms.formset_factory(StepForm, extra=0, can_delete=True, can_order=True)
EdgeFormSet = forms.formset_factory(EdgeForm, extra=0, can_delete=True)


class RiskLinkForm(forms.Form):
    risk = forms.ModelChoiceField(label=_("廉政风险点"), queryset=None, empty_label=_("请选择"))
    step = forms.ModelChoiceField(
        label=_("流程环节"), required=False, queryset=None, empty_label=_("（不指定环节）")
    )

    def __init__(self, *args, risks, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk"].queryset = risks
        self.fields["step"].queryset = steps


class DiscretionForm(forms.ModelForm):
    class Meta:
        model = DiscretionStandard
        fields = ["circumstance", "description", "penalty_types", "amount_min", "amount_max"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


DiscretionFormSet = forms.formset_factory(DiscretionForm, extra=1, can_delete=True)


class RegulationForm(ScopedModelForm):
    class Meta:
        model = Regulation
        fields = [
            "unit",
            "title",
            "number",
            "issuer",
            "issued_on",
            "status",
            "summary",
            "posts",
            "power_items",
            "published",
        ]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "posts": forms.SelectMultiple(attrs={"size": 8}),
            "power_items": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        _limit_catalogue_fields(self, user)


class ProcessForm(ScopedModelForm):
    class Meta:
        model = Process
        fields = ["unit", "department", "name", "description", "power_items"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "power_items": forms.SelectMultiple(attrs={"size": 10}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        _limit_catalogue_fields(self, user)


def _limit_catalogue_fields(form, user) -> None:
    units = scoped(Unit.objects.all(), user)
    form.fields["unit"].queryset = units
    if "department" in form.fields:
        departments = Department.objects.filter(unit__in=units).select_related("unit")
        form.fields["department"].queryset = departments
        form.fields["department"].label_from_instance = department_label
    if "posts" in form.fields:
        posts = Post.objects.filter(department__unit__in=units).select_related("department")
        form.fields["posts"].queryset = posts
        form.fields["posts"].label_from_instance = post_label
    items = selectors.item_list(user).exclude(decision=Decision.CANCEL)
    form.fields["power_items"].queryset = items

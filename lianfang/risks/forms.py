"""Forms of the risk library pages. Choices of units, departments, posts and people are
limited to the user's data scope; the services decide everything else."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.scopes import DataScope, scoped
from lianfang.org.forms import department_label, post_label
from lianfang.org.models import Department, Person, Post, Unit

from . import grading, rules
from .models import (
    REGISTER_CATEGORIES,
    Category,
    GradingMethod,
    Level,
    Measure,
    Register,
    RiskPoint,
    Status,
    Step,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ALL = [("", _("全部"))]


class DepartmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return department_label(obj)


class PostChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return post_label(obj)


def org_choices(user) -> dict:
    """The organisation querysets a user may pick from, labelled without extra queries."""
    return {
        "unit": scoped(Unit.objects.filter(is_active=True), user),
        "department": scoped(Department.objects.filter(is_active=True), user).select_related(
            "unit"
        ),
        "post": scoped(Post.objects.filter(is_active=True), user).select_related("department"),
        "person": scoped(Person.objects.filter(is_active=True), user),
    }


def registers_for(user) -> list[str]:
    """Everyone with a person files the personal post form; the organisation's side files the
    department form; those who see a whole unit file the unit form."""
    allowed = [Register.POST] if user.person_id is not None else []
    if rules.is_steward(user):
        allowed.append(Register.DEPARTMENT)
        if user.data_scope in (DataScope.ALL, DataScope.UNIT):
            allowed.append(Register.UNIT)
    return allowed


class LibraryFilterForm(forms.Form):
    """The library's GET filters; the roll-up grouping rides along (`by`)."""

    BY = [
        ("department", _("按部门")),
        ("post", _("按岗位")),
        ("unit", _("按单位")),
    ]

    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    register = forms.ChoiceField(label=_("登记表"), required=False, choices=ALL + Register.choices)
    unit = forms.ModelChoiceField(label=_("单位"), required=False, queryset=Unit.objects.none())
    department = DepartmentChoice(
        label=_("部门"), required=False, queryset=Department.objects.none()
    )
    post = PostChoice(label=_("岗位"), required=False, queryset=Post.objects.none())
    person = forms.ModelChoiceField(
        label=_("填报人"), required=False, queryset=Person.objects.none()
    )
    level = forms.TypedChoiceField(
        label=_("风险等级"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=ALL + Level.choices,
    )
    category = forms.ChoiceField(
        label=_("风险类别"), required=False, choices=ALL + Category.choices
    )
    status = forms.ChoiceField(label=_("状态"), required=False, choices=ALL + Status.choices)
    step = forms.TypedChoiceField(
        label=_("查找环节"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=ALL + Step.choices,
    )
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    by = forms.ChoiceField(label=_("汇总方式"), required=False, choices=BY)

    def __init__(self, *args, user, years, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in org_choices(user).items():
            self.fields[name].queryset = queryset
            self.fields[name].empty_label = _("全部")
        self.fields["year"].choices = [("", _("全部年度")), *((y, y) for y in years)]
        if user.data_scope == DataScope.SELF:  # one unit, one department, themselves
            for name in ("unit", "department", "person"):
                del self.fields[name]

    def filters(self) -> dict:
        """The valid filters as plain values (ids for org objects); bad ones are dropped."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            name: getattr(value, "pk", value)
            for name, value in data.items()
            if name != "by" and value not in (None, "")
        }


class RiskForm(forms.ModelForm):
    """One register's form: where the risk sits comes from the register, the categories too."""

    PLACES = {
        Register.POST: ("post", "person"),
        Register.DEPARTMENT: ("department",),
        Register.UNIT: ("unit",),
    }

    class Meta:
        model = RiskPoint
        fields = [
            "year",
            "unit",
            "department",
            "post",
            "person",
            "category",
            "title",
            "manifestation",
            "duty_link",
            "responsible_person",
            "publication",
        ]
        widgets = {
            "manifestation": forms.Textarea(attrs={"rows": 3}),
            "title": forms.TextInput(attrs={"placeholder": _("例如：审核把关不严")}),
        }
        field_classes = {"department": DepartmentChoice, "post": PostChoice}

    def __init__(self, *args, register, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.register = register
        choices = org_choices(user)
        places = self.PLACES[register]
        for name in ("unit", "department", "post", "person"):
            if name in places:
                self.fields[name].queryset = choices[name]
                self.fields[name].required = True
                self.fields[name].empty_label = _("请选择")
            else:
                del self.fields[name]
        self.fields["responsible_person"].queryset = choices["person"]
        self.fields["responsible_person"].empty_label = _("请选择")
        allowed = REGISTER_CATEGORIES[register]
        self.fields["category"].choices = [
            ("", _("请选择")),
            *((c.value, c.label) for c in allowed),
        ]
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year


class GradeForm(forms.Form):
    """The inputs of the configured grading method. Ranges are checked by the service, so the
    message names the matrix's own size."""

    likelihood = forms.IntegerField(label=_("可能性"))
    impact = forms.IntegerField(label=_("影响程度"))
    criteria = forms.MultipleChoiceField(
        label=_("符合的定级标准"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(grading.CRITERIA.items()),
    )
    power_type = forms.ChoiceField(
        label=_("权力类型"), choices=[("", _("请选择")), *grading.POWER_TYPES.items()]
    )

    def __init__(self, *args, method, matrix, **kwargs):
        super().__init__(*args, **kwargs)
        self.method = method
        keep = {
            GradingMethod.MATRIX: ("likelihood", "impact"),
            GradingMethod.CRITERIA: ("criteria",),
            GradingMethod.POWER_TYPE: ("power_type", "likelihood", "impact"),
        }[method]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        rows, cols = len(matrix.cells), len(matrix.cells[0])
        for name, count, labels in (
            ("likelihood", rows, matrix.likelihood_labels),
            ("impact", cols, matrix.impact_labels),
        ):
            if name in self.fields:
                self.fields[name].widget = forms.Select(
                    choices=[("", _("请选择")), *matrix_choices(count, labels)]
                )

    def inputs(self, data: dict) -> dict:
        return {name: data[name] for name in self.fields}


def matrix_choices(count: int, labels) -> list[tuple[int, str]]:
    labels = list(labels or [])
    return [
        (n, f"{n} · {labels[n - 1]}" if n <= len(labels) else str(n)) for n in range(1, count + 1)
    ]


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["type", "content", "owner", "due_date", "status", "evidence"]
        widgets = {
            "due_date": DATE,
            "content": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = scoped(Person.objects.filter(is_active=True), user)
        self.fields["owner"].empty_label = _("请选择")


class CommentForm(forms.Form):
    """提交下一环节 and 提出意见: a comment (the service says when one is required)."""

    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("退回理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecideForm(forms.Form):
    meeting_date = forms.DateField(label=_("会议日期"), required=False, widget=DATE)
    meeting_ref = forms.CharField(label=_("会议纪要文号"), required=False, max_length=100)
    comment = forms.CharField(
        label=_("审定意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


WORKFLOW_FORMS = {
    "submit": CommentForm,
    "comment": CommentForm,
    "return": ReturnForm,
    "decide": DecideForm,
}


class CopyForm(forms.Form):
    from_year = forms.IntegerField(label=_("原年度"), min_value=2000, max_value=2100)
    to_year = forms.IntegerField(label=_("目标年度"), min_value=2000, max_value=2100)

from django import forms
from django.utils.translation import gettext_lazy as _

from lianfang.core.scopes import scoped

from .models import Assignment, Department, Leadership, Person, Post, Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def department_label(department) -> str:
    """A department as choice lists name it: several units have an 办公室."""
    return f"{department.unit.short_name or department.unit.name} · {department.name}"


def post_label(post) -> str:
    return f"{post.department.name} · {post.name}"


class ScopedModelForm(forms.ModelForm):
    """A model form whose related-object choices are limited to the user's data scope."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if getattr(field, "empty_label", None) is not None:
                field.empty_label = _("请选择")
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset.model, "scope_paths"):
                field.queryset = scoped(queryset, user)


class UnitForm(ScopedModelForm):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "code", "parent", "sort", "is_active"]


class DepartmentForm(ScopedModelForm):
    class Meta:
        model = Department
        fields = ["unit", "name", "code", "duties", "areas", "sort", "is_active"]
        widgets = {"areas": forms.CheckboxSelectMultiple}


class PostForm(ScopedModelForm):
    class Meta:
        model = Post
        fields = [
            "department",
            "name",
            "code",
            "tier",
            "areas",
            "duties",
            "headcount",
            "sort",
            "is_active",
        ]
        widgets = {"areas": forms.CheckboxSelectMultiple}


class PersonForm(ScopedModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "staff_no",
            "gender",
            "unit",
            "department",
            "job_title",
            "phone",
            "is_active",
        ]


class AssignmentForm(ScopedModelForm):
    class Meta:
        model = Assignment
        fields = ["person", "post", "start_date", "end_date", "concurrent", "note"]
        widgets = {"start_date": DATE, "end_date": DATE}


class LeadershipForm(ScopedModelForm):
    class Meta:
        model = Leadership
        fields = [
            "unit",
            "person",
            "role",
            "department",
            "departments_in_charge",
            "areas_in_charge",
            "start_date",
            "end_date",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "departments_in_charge": forms.CheckboxSelectMultiple,
            "areas_in_charge": forms.CheckboxSelectMultiple,
        }

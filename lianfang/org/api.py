from ninja import ModelSchema

from lianfang.core.api import crud_router

from . import services
from .models import Assignment, Department, Leadership, Person, Post, Unit


class UnitIn(ModelSchema):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "code", "parent", "sort", "is_active"]
        fields_optional = ["short_name", "parent", "sort", "is_active"]


class UnitOut(ModelSchema):
    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "code", "parent", "path", "sort", "is_active"]


class DepartmentIn(ModelSchema):
    class Meta:
        model = Department
        fields = ["unit", "name", "code", "duties", "areas", "sort", "is_active"]
        fields_optional = ["duties", "areas", "sort", "is_active"]


class DepartmentOut(ModelSchema):
    class Meta:
        model = Department
        fields = ["id", "unit", "name", "code", "duties", "areas", "sort", "is_active"]


class PostIn(ModelSchema):
    class Meta:
        model = Post
        fields = ["department", "name", "code", "tier", "areas", "duties", "headcount", "sort"]
        fields_optional = ["tier", "areas", "duties", "headcount", "sort"]


class PostOut(ModelSchema):
    class Meta:
        model = Post
        fields = [
            "id",
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


class PersonIn(ModelSchema):
    class Meta:
        model = Person
        fields = ["name", "staff_no", "gender", "unit", "department", "job_title", "phone"]
        fields_optional = ["gender", "department", "job_title", "phone"]


class PersonOut(ModelSchema):
    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "staff_no",
            "gender",
            "unit",
            "department",
            "job_title",
            "phone",
            "is_active",
        ]


class AssignmentIn(ModelSchema):
    class Meta:
        model = Assignment
        fields = ["person", "post", "start_date", "end_date", "concurrent", "note"]
        fields_optional = ["end_date", "concurrent", "note"]


class AssignmentOut(ModelSchema):
    class Meta:
        model = Assignment
        fields = ["id", "person", "post", "start_date", "end_date", "concurrent", "note"]


class LeadershipIn(ModelSchema):
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
        fields_optional = ["department", "departments_in_charge", "areas_in_charge", "end_date"]


class LeadershipOut(ModelSchema):
    class Meta:
        model = Leadership
        fields = [
            "id",
            "unit",
            "person",
            "role",
            "department",
            "departments_in_charge",
            "areas_in_charge",
            "start_date",
            "end_date",
        ]


def _router(name, queryset, out_schema, in_schema):
    return crud_router(
        name=name,
        queryset=queryset,
        out_schema=out_schema,
        in_schema=in_schema,
        services={
            "create": getattr(services, f"{name}_create"),
            "update": getattr(services, f"{name}_update"),
            "delete": getattr(services, f"{name}_delete"),
        },
        view="org.view",
        manage="org.manage",
    )


routers = {
    "units": _router("unit", Unit.objects.all(), UnitOut, UnitIn),
    "departments": _router(
        "department", Department.objects.prefetch_related("areas"), DepartmentOut, DepartmentIn
    ),
    "posts": _router("post", Post.objects.prefetch_related("areas"), PostOut, PostIn),
    "people": _router("person", Person.objects.all(), PersonOut, PersonIn),
    "assignments": _router("assignment", Assignment.objects.all(), AssignmentOut, AssignmentIn),
    "leaderships": _router(
        "leadership",
        Leadership.objects.prefetch_related("departments_in_charge", "areas_in_charge"),
        LeadershipOut,
        LeadershipIn,
    ),
}

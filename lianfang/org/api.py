from datetime import date
from typing import Literal

from ninja import Field, ModelSchema, Schema

from lianfang.core.api import crud_router

from . import services
from .models import (
    Assignment,
    Department,
    Gender,
    Leadership,
    LeadershipRole,
    Person,
    Post,
    Tier,
    Unit,
)


class UnitIn(Schema):
    name: str
    code: str
    short_name: str = ""
    parent: int | None = None
    sort: int = 0
    is_active: bool = True


class UnitOut(ModelSchema):
    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "code", "parent", "path", "sort", "is_active"]


class DepartmentIn(Schema):
    unit: int
    name: str
    code: str
    duties: str = ""
    areas: list[int] = []
    sort: int = 0
    is_active: bool = True


class DepartmentOut(ModelSchema):
    class Meta:
        model = Department
        fields = ["id", "unit", "name", "code", "duties", "areas", "sort", "is_active"]


class PostIn(Schema):
    department: int
    name: str
    code: str
    tier: Tier = Tier.GENERAL
    areas: list[int] = []
    duties: str = ""
    headcount: int = Field(1, ge=1)
    sort: int = 0
    is_active: bool = True


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


class PersonIn(Schema):
    name: str
    staff_no: str
    unit: int
    department: int | None = None
    gender: Gender | Literal[""] = ""
    job_title: str = ""
    phone: str = ""
    is_active: bool = True


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


class AssignmentIn(Schema):
    person: int
    post: int
    start_date: date
    end_date: date | None = None
    concurrent: bool = False
    note: str = ""


class AssignmentOut(ModelSchema):
    class Meta:
        model = Assignment
        fields = ["id", "person", "post", "start_date", "end_date", "concurrent", "note"]


class LeadershipIn(Schema):
    unit: int
    person: int
    role: LeadershipRole
    department: int | None = None
    departments_in_charge: list[int] = []
    areas_in_charge: list[int] = []
    start_date: date
    end_date: date | None = None


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
        services=services,
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

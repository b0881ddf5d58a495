"""factory_boy factories for the organisation and accounts.

Factories write rows directly (no audit entry); tests of the audited write path call the
services instead.
"""

from datetime import date

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from lianfang.accounts.models import User, UserRole
from lianfang.core.models import DictItem
from lianfang.org.models import (
    KEY_AREA_DICT,
    Assignment,
    Department,
    Leadership,
    LeadershipRole,
    Person,
    Post,
    Tier,
    Unit,
)

PASSWORD = "Lianfang#2024ok"


def key_area(code: str) -> DictItem:
    """One of the seven built-in key areas (DOMAIN.md §1), seeded by a migration."""
    return DictItem.objects.get(dict_type__code=KEY_AREA_DICT, code=code)


def _items(values):
    return [key_area(v) if isinstance(v, str) else v for v in values]


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"单位{n}")
    code = factory.Sequence(lambda n: f"U{n:04d}")
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        parent = kwargs.get("parent")
        kwargs["path"] = f"{parent.path if parent else '/'}{kwargs['code']}/"
        return super()._create(model_class, *args, **kwargs)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        skip_postgeneration_save = True

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"部门{n}")
    code = factory.Sequence(lambda n: f"D{n:04d}")

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(_items(extracted))


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"岗位{n}")
    code = factory.Sequence(lambda n: f"P{n:04d}")
    tier = Tier.GENERAL

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(_items(extracted))


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"干部{n}")
    staff_no = factory.Sequence(lambda n: f"S{n:05d}")
    department = None
    unit = factory.LazyAttribute(lambda o: o.department.unit if o.department else UnitFactory())


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment

    post = factory.SubFactory(PostFactory)
    person = factory.LazyAttribute(lambda o: PersonFactory(department=o.post.department))
    start_date = date(2020, 1, 1)
    end_date = None


class LeadershipFactory(DjangoModelFactory):
    class Meta:
        model = Leadership
        skip_postgeneration_save = True

    unit = factory.SubFactory(UnitFactory)
    person = factory.LazyAttribute(lambda o: PersonFactory(unit=o.unit))
    role = LeadershipRole.PRINCIPAL
    department = None
    start_date = date(2020, 1, 1)
    end_date = None

    @factory.post_generation
    def departments_in_charge(self, create, extracted, **kwargs):
        if create and extracted:
            self.departments_in_charge.set(extracted)

    @factory.post_generation
    def areas_in_charge(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas_in_charge.set(_items(extracted))


class UserFactory(DjangoModelFactory):
    """An account whose password is PASSWORD and need not be changed (unless told)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    person = None
    password = factory.django.Password(PASSWORD)
    must_change_password = False
    password_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            UserRole.objects.bulk_create([UserRole(user=self, role=r) for r in extracted])

"""factory_boy factories for the risk library (shared by the risk test files).

Like tests/factories.py they write rows directly: no audit entry, no history user. Tests of the
audited write path call `lianfang.risks.services` instead.

A RiskPointFactory row is a personal-post risk (个人岗位登记表) of a new post unless told
otherwise; the department and unit follow the post, as `services.risk_create` would derive
them. Pass `register=Register.DEPARTMENT, department=...` or `register=Register.UNIT,
unit=...` (with `post=None`) for the other two registers.
"""

import factory
from factory.django import DjangoModelFactory

from lianfang.risks.models import (
    Category,
    Level,
    Measure,
    MeasureStatus,
    MeasureType,
    Register,
    RiskPoint,
    Status,
    Step,
)

from .factories import PersonFactory, PostFactory, UnitFactory


def _department(o):
    return o.post.department if o.post is not None else None


def _unit(o):
    if o.department is not None:
        return o.department.unit
    return UnitFactory()


class RiskPointFactory(DjangoModelFactory):
    class Meta:
        model = RiskPoint

    register = Register.POST
    year = 2026
    post = factory.Maybe(
        factory.LazyAttribute(lambda o: o.register == Register.POST),
        yes_declaration=factory.SubFactory(PostFactory),
        no_declaration=None,
    )
    department = factory.LazyAttribute(_department)
    unit = factory.LazyAttribute(_unit)
    person = factory.Maybe(
        factory.LazyAttribute(lambda o: o.register == Register.POST),
        yes_declaration=factory.LazyAttribute(
            lambda o: PersonFactory(department=o.department, unit=o.unit)
        ),
        no_declaration=None,
    )
    category = factory.LazyAttribute(
        lambda o: {
            Register.POST: Category.DUTY,
            Register.DEPARTMENT: Category.PROCESS,
            Register.UNIT: Category.MAJOR_DECISION,
        }[o.register]
    )
    title = factory.Sequence(lambda n: f"风险点{n}")
    manifestation = factory.Sequence(lambda n: f"风险表现形式{n}")
    duty_link = ""
    level = Level.TWO
    responsible_person = factory.LazyAttribute(
        lambda o: o.person or PersonFactory(department=o.department, unit=o.unit)
    )
    step = Step.SELF
    status = Status.IN_PROGRESS


class MeasureFactory(DjangoModelFactory):
    class Meta:
        model = Measure

    risk = factory.SubFactory(RiskPointFactory)
    type = MeasureType.OTHER
    content = factory.Sequence(lambda n: f"防控措施{n}")
    owner = factory.LazyAttribute(
        lambda o: o.risk.responsible_person or PersonFactory(unit=o.risk.unit)
    )
    status = MeasureStatus.PLANNED

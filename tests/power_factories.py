"""factory_boy factories for the power list (shared by the power and portal test files).

Like tests/factories.py they write rows directly: no audit entry. Tests of the rules call
`lianfang.powers.services`. A PowerItemFactory row is a kept, unpublished licence of a new
department, with one legal basis and a code that matches the default pattern.
"""

import factory
from factory.django import DjangoModelFactory

from lianfang.powers.models import (
    Category,
    Circumstance,
    Decision,
    DiscretionStandard,
    FlowStep,
    FlowTransition,
    PowerItem,
    Regulation,
    RiskLink,
    StepKind,
)

from .factories import DepartmentFactory


class PowerItemFactory(DjangoModelFactory):
    class Meta:
        model = PowerItem
        skip_postgeneration_save = True

    department = factory.SubFactory(DepartmentFactory)
    unit = factory.LazyAttribute(lambda o: o.department.unit)
    code = factory.Sequence(lambda n: f"439901001{1:02d}{n % 1000:03d}{n // 1000 % 100:02d}")
    name = factory.Sequence(lambda n: f"营业性演出审批{n}")
    category = Category.LICENSE
    basis_set = factory.LazyFunction(
        lambda: [{"document": "《营业性演出管理条例》", "article": "第六条", "excerpt": ""}]
    )
    legal_limit = 20
    promised_limit = 10
    decision = Decision.KEEP
    decision_year = 2026
    published = False

    @factory.post_generation
    def posts(self, create, extracted, **kwargs):
        if create and extracted:
            self.posts.set(extracted)


# The usual mapping of simple_flow's nodes onto the steps electronic supervision watches.
MONITORED = {"accept": "accept", "review": "review", "decide": "approve"}


def simple_flow(item: PowerItem, *, limits=(1, 3, 2), case_steps=None) -> dict[str, FlowStep]:
    """start → 受理 → 审查 → (准予? yes: 决定 → end, no: end) with the given step limits;
    `case_steps` maps node keys to the case steps they time (e.g. MONITORED)."""
    accept, review, decide = limits
    case_steps = case_steps or {}

    def step(key, kind, name, days=0, order=0):
        return FlowStep.objects.create(
            item=item,
            key=key,
            kind=kind,
            name=name,
            limit_days=days,
            order=order,
            case_step=case_steps.get(key, ""),
        )

    steps = {
        "start": step("start", StepKind.START, "申请", 0, 1),
        "accept": step("accept", StepKind.STEP, "受理", accept, 2),
        "review": step("review", StepKind.DECISION, "审查", review, 3),
        "decide": step("decide", StepKind.STEP, "决定", decide, 4),
        "end": step("end", StepKind.END, "办结", 0, 5),
    }
    for source, target, condition in (
        ("start", "accept", ""),
        ("accept", "review", ""),
        ("review", "decide", "符合条件"),
        ("review", "end", "不符合条件"),
        ("decide", "end", ""),
    ):
        FlowTransition.objects.create(
            item=item, source=steps[source], target=steps[target], condition=condition
        )
    return steps


class RiskLinkFactory(DjangoModelFactory):
    class Meta:
        model = RiskLink


class DiscretionStandardFactory(DjangoModelFactory):
    class Meta:
        model = DiscretionStandard

    circumstance = Circumstance.ORDINARY
    description = "违法行为情节一般的"
    penalty_types = "警告，并处罚款"
    amount_min = "5000.00"
    amount_max = "10000.00"


class RegulationFactory(DjangoModelFactory):
    class Meta:
        model = Regulation
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"行政审批工作规程{n}")
    number = factory.Sequence(lambda n: f"云文旅体发〔2024〕{n}号")
    issuer = "云溪区文化和广电旅游体育局"

"""Load the demo risk library (廉政风险信息库) for the demo bureau, tables in `demo_data`.

Called by `lianfang.demo.load` inside its transaction, after the organisation and accounts.
Every write goes through the risk services, so each leaves its audit entry and version, and
each workflow step is taken by a demo account that may take it (`rules`): the filer (or, for
filers without an account, the nearest steward over the department) at 自己找, the department
head or leader in charge (else the discipline-inspection office) at 大家提, the
discipline-inspection office at 组织点 and 群众议, and at 集体定 the principal leader for the
bureau's own meeting, the discipline-inspection office recording the subordinate units'.
Lookups are made once and kept in dicts; the loader itself makes a handful of queries.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count

from django.utils import timezone

from lianfang.accounts.models import User
from lianfang.org import demo_data as org
from lianfang.org.models import (
    Assignment,
    Department,
    Leadership,
    LeadershipRole,
    Post,
    Tier,
    Unit,
)

from . import demo_data as data
from . import grading, services
from .models import Category, GradingMethod, MeasureStatus, Publication, Register

# The state each risk is left in; most are effective.
EFFECTIVE = "effective"
RETURNED = "returned"
DRAFT = "draft"  # at 自己找, not yet graded


@dataclass
class RiskPlan:
    register: str
    unit: Unit
    department: Department | None
    post: Post | None
    filer: object  # Person or None
    responsible: object  # Person
    risk: tuple  # (category, title, manifestation, duty_link, grading, measures)
    state: str | int = EFFECTIVE  # EFFECTIVE, RETURNED, DRAFT or the step it waits at (1–5)
    publication: str = Publication.INTERNAL
    tier: str = ""
    key: tuple = field(default=())


def load_risks() -> None:
    DemoLoader().run()


class DemoLoader:
    def __init__(self):
        self.today = timezone.localdate()
        self.units = {u.code: u for u in Unit.objects.filter(path__startswith=self._root_path())}
        self.departments = {
            (d.unit.code, d.code.split("-", 1)[1]): d
            for d in Department.objects.filter(unit__in=self.units.values()).select_related("unit")
        }
        self.posts = {
            (p.department.unit.code, p.department.code.split("-", 1)[1], p.name): p
            for p in Post.objects.filter(department__in=self.departments.values()).select_related(
                "department__unit"
            )
        }
        self.holders = self._current_holders()
        offices = list(
            Leadership.objects.filter(unit__in=self.units.values())
            .filter(end_date__isnull=True)
            .select_related("person")
            .prefetch_related("departments_in_charge")
        )
        role = LeadershipRole
        self.principal = {o.unit_id: o.person for o in offices if o.role == role.PRINCIPAL}
        self.head = {o.department_id: o.person for o in offices if o.role == role.DEPT_HEAD}
        self.in_charge = {
            d.pk
            for o in offices
            if o.role == LeadershipRole.IN_CHARGE
            for d in o.departments_in_charge.all()
        }
        users = User.objects.filter(username__in=[a[0] for a in org.ACCOUNTS]).select_related(
            "person"
        )
        self.users = {u.username: u for u in users}
        self.user_of_person = {u.person_id: u for u in users if u.person_id}
        self.steward_departments = {
            name: set(self.users[name].scope_departments().values_list("pk", flat=True))
            for name in ("kezhang", "fenguan")
        }
        self.matrix = services.active_matrix()

    def _root_path(self) -> str:
        return Unit.objects.get(code=org.ROOT).path

    def _current_holders(self) -> dict:
        """Post pk → its current holders, in the roster's order."""
        holders = {}
        current = (
            Assignment.objects.filter(post__in=self.posts.values(), end_date__isnull=True)
            .select_related("person")
            .order_by("pk")
        )
        for a in current:
            holders.setdefault(a.post_id, []).append(a.person)
        return holders

    # --- planning -------------------------------------------------------------------------

    def plans(self) -> list[RiskPlan]:
        plans = []
        for (unit_code, abbr, post_name), risks in data.POST_RISKS.items():
            post = self.posts[unit_code, abbr, post_name]
            holders = self.holders[post.pk]
            for n, risk in enumerate(risks):
                filer = holders[n % len(holders)]
                plans.append(
                    RiskPlan(
                        register=Register.POST,
                        unit=self.units[unit_code],
                        department=post.department,
                        post=post,
                        filer=filer,
                        responsible=filer,
                        risk=risk,
                        tier=post.tier,
                        key=(unit_code, abbr, post_name, n),
                    )
                )
        for (unit_code, abbr), risks in data.DEPARTMENT_RISKS.items():
            department = self.departments[unit_code, abbr]
            unit = self.units[unit_code]
            responsible = self.head.get(department.pk) or self.principal[unit.pk]
            for n, risk in enumerate(risks):
                plans.append(
                    RiskPlan(
                        register=Register.DEPARTMENT,
                        unit=unit,
                        department=department,
                        post=None,
                        filer=None,
                        responsible=responsible,
                        risk=risk,
                        tier=Tier.MIDDLE,
                        key=(unit_code, abbr, n),
                    )
                )
        for unit_code, risks in data.UNIT_RISKS.items():
            unit = self.units[unit_code]
            for n, risk in enumerate(risks):
                plans.append(
                    RiskPlan(
                        register=Register.UNIT,
                        unit=unit,
                        department=None,
                        post=None,
                        filer=None,
                        responsible=self.principal[unit.pk],
                        risk=risk,
                        tier=Tier.LEADER,
                        key=(unit_code, n),
                    )
                )
        self._assign_states(plans)
        return plans

    def _assign_states(self, plans: list[RiskPlan]) -> None:
        """A fixed pattern leaves about one risk in ten in the workflow and a few returned;
        `data.STATES` pins the ones the demo walkthrough relies on. Of the effective risks,
        the duty risks of the window and enforcement departments are published to the public
        and one in `data.UNIT_EVERY` of the rest within the unit (公示)."""
        for i, plan in enumerate(plans):
            plan.state = data.STATE_PATTERN.get(i % data.STATE_PERIOD, EFFECTIVE)
            plan.state = data.STATES.get(plan.key, plan.state)
            if plan.state != EFFECTIVE:
                continue
            place = plan.department and (plan.unit.code, plan.department.code.split("-", 1)[1])
            if place in data.PUBLIC_DEPARTMENTS and plan.risk[0] == Category.DUTY:
                plan.publication = Publication.PUBLIC
            elif i % data.UNIT_EVERY == 1:
                plan.publication = Publication.UNIT

    # --- grading --------------------------------------------------------------------------

    def _has_leader(self, plan: RiskPlan, level: int) -> bool:
        """Whether graded responsibility names someone for `level` (the demo organisation has
        no leader in charge (分管领导) for some departments of the subordinate units)."""
        department = plan.department
        if level == 1 or department is None:
            return plan.unit.pk in self.principal
        if level == 2:
            return department.pk in self.in_charge
        return department.pk in self.head

    def _level(self, method: str, inputs: dict) -> int:
        if method == GradingMethod.CRITERIA:
            return grading.by_criteria(inputs["criteria"]).level
        base = grading.by_matrix(inputs["likelihood"], inputs["impact"], self.matrix)
        if method == GradingMethod.POWER_TYPE:
            return grading.by_power_type(inputs["power_type"], base).level
        return base.level

    def grading_for(self, plan: RiskPlan) -> tuple[str, dict]:
        """The table's method and inputs; where the level they give has nobody responsible
        for it in this department, the nearest inputs whose level does (toward level 1 for
        leader and key posts, toward level 3 otherwise)."""
        method, inputs = plan.risk[4]
        inputs = dict(inputs)
        if self._has_leader(plan, self._level(method, inputs)):
            return method, inputs
        upward = plan.tier in (Tier.LEADER, Tier.KEY)
        if method == GradingMethod.CRITERIA:
            criteria = list(inputs["criteria"])
            if upward:
                criteria += [c for c in grading.CRITERIA if c not in criteria][:1]
            else:
                criteria = criteria[:1]
            return method, {"criteria": criteria}
        rows, cols = len(self.matrix), len(self.matrix[0])
        here = inputs["likelihood"], inputs["impact"]
        cells = sorted(
            ((lk, im) for lk in range(1, rows + 1) for im in range(1, cols + 1)),
            key=lambda cell: (
                abs(cell[0] - here[0]) + abs(cell[1] - here[1]),
                -sum(cell) if upward else sum(cell),
                cell,
            ),
        )
        for lk, im in cells:
            candidate = {**inputs, "likelihood": lk, "impact": im}
            if self._has_leader(plan, self._level(method, candidate)):
                return method, candidate
        raise ValueError(f"demo data: no level has a responsible leader for {plan.key}")

    # --- actors ---------------------------------------------------------------------------

    def steward(self, plan: RiskPlan) -> User:
        """The nearest demo account that oversees the risk's department (or unit)."""
        if plan.department is None:
            return self.users["juzhang" if plan.unit.code == org.ROOT else "jijian"]
        for name in ("kezhang", "fenguan"):
            if plan.department.pk in self.steward_departments[name]:
                return self.users[name]
        return self.users["jijian"]

    def filer_user(self, plan: RiskPlan) -> User:
        user = plan.filer and self.user_of_person.get(plan.filer.pk)
        return user or self.steward(plan)

    def decider(self, plan: RiskPlan) -> User:
        return self.users["juzhang" if plan.unit.code == org.ROOT else "jijian"]

    # --- writing --------------------------------------------------------------------------

    def run(self) -> None:
        self.write(self.plans())

    def write(self, plans: list[RiskPlan]) -> list:
        """Create, grade, give measures to and walk each planned risk; the risks, in order (as
        created: re-read them for their final state)."""
        risks = []
        measures = count()
        comments = count()
        for i, plan in enumerate(plans):
            category, title, manifestation, duty_link, _grading, measure_rows = plan.risk
            filer = self.filer_user(plan)
            risk = services.risk_create(
                actor=filer,
                data={
                    "register": plan.register,
                    "year": data.YEAR,
                    "unit": plan.unit,
                    "department": plan.department,
                    "post": plan.post,
                    "person": plan.filer,
                    "category": category,
                    "title": title,
                    "manifestation": manifestation,
                    "duty_link": duty_link,
                    "responsible_person": plan.responsible,
                    "publication": plan.publication,
                },
            )
            if plan.state != DRAFT:
                method, inputs = self.grading_for(plan)
                services.risk_grade(actor=filer, risk=risk, method=method, inputs=inputs)
            for n, (kind, content) in enumerate(measure_rows):
                if plan.state == DRAFT and n:
                    break
                services.measure_create(
                    actor=filer,
                    risk=risk,
                    data=self.measure(plan, kind, content, n, next(measures)),
                )
            self.walk(plan, risk, filer, i, comments)
            risks.append(risk)
        return risks

    def walk(self, plan: RiskPlan, risk, filer: User, i: int, comments) -> None:
        """Take the risk through the five steps as far as its planned state."""
        state = plan.state
        if state == DRAFT:
            return
        last = {EFFECTIVE: 5, RETURNED: 3}.get(state, state)
        actors = {1: filer, 2: self.steward(plan), 3: self.users["jijian"], 4: self.users["jijian"]}
        for step in range(1, last):
            comment = ""
            if step in (2, 4) and i % 3 == 0:
                table = data.COLLEAGUE_COMMENTS if step == 2 else data.PUBLIC_COMMENTS
                comment = table[next(comments) % len(table)]
            risk = services.workflow_submit(actor=actors[step], risk=risk, comment=comment)
        if state == RETURNED:
            reason = data.RETURN_REASONS[i % len(data.RETURN_REASONS)]
            services.workflow_return(actor=actors[3], risk=risk, reason=reason)
        elif state == EFFECTIVE:
            meeting_date, meeting_ref = data.MEETINGS[plan.unit.code]
            services.workflow_decide(
                actor=self.decider(plan),
                risk=risk,
                meeting_date=meeting_date,
                meeting_ref=meeting_ref,
                comment=data.DECISION_COMMENT,
            )

    def measure(self, plan: RiskPlan, kind: str, content: str, n: int, j: int) -> dict:
        """Owner, due date and status: the responsible person owns education, the department
        head (or the unit's principal leader) the rest. Effective risks have their first
        measure done; a fixed share of the open ones is overdue."""
        if kind == "education":
            owner = plan.responsible
        elif plan.department is not None:
            owner = self.head.get(plan.department.pk) or self.principal[plan.unit.pk]
        else:
            owner = self.principal[plan.unit.pk]
        row = {"type": kind, "content": content, "owner": owner}
        if plan.state != EFFECTIVE:
            due = self.today + timedelta(days=data.OPEN_DUE_DAYS)
            return {**row, "status": MeasureStatus.PLANNED, "due_date": due}
        if j % data.OVERDUE_EVERY == 0:
            status = MeasureStatus.IN_PROGRESS if n else MeasureStatus.PLANNED
            return {**row, "status": status, "due_date": self.today - timedelta(days=7 + j % 60)}
        if n == 0:
            return {
                **row,
                "status": MeasureStatus.DONE,
                "due_date": data.DONE_DUE[j % len(data.DONE_DUE)],
                "evidence": data.EVIDENCE[kind],
            }
        status = MeasureStatus.IN_PROGRESS if n == 1 else MeasureStatus.PLANNED
        return {**row, "status": status, "due_date": self.today + timedelta(days=20 + 9 * (j % 12))}

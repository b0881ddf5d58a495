"""Load the demo bureau's power list (权力清单), tables in `demo_data`.

Called by `lianfang.demo.load` inside its transaction, after the risk library. Items, flows,
discretion standards and catalogues are written through the power services by the legal-office
account; the risk points on flowchart steps are department-register risks written, graded,
given measures and taken through the five steps by the risk library's own demo loader, then
published to the public and tied to their steps.
"""

from django.conf import settings

from lianfang.accounts.models import User
from lianfang.org import demo_data as org
from lianfang.org.models import Tier
from lianfang.risks import grading
from lianfang.risks.demo import DemoLoader, RiskPlan
from lianfang.risks.models import GradingMethod, Publication, Register

from . import demo_data as data
from . import services, texts
from .models import Category, Decision, FlowStep, PowerItem

CATEGORY_NUMBERS = {category: f"{n:02d}" for n, category in enumerate(Category.values, start=1)}


def load_powers() -> None:
    _Loader().run()


class _Loader:
    def __init__(self):
        self.risks = DemoLoader()
        self.legal = User.objects.get(username="fazhi")
        # 区划6-主体3-类型2-事项3-子项2: the subject number follows the roster of units.
        self.subjects = {code: f"{n:03d}" for n, (code, *_rest) in enumerate(org.UNITS, start=1)}
        self.items: dict[str, PowerItem] = {}

    def code(self, unit: str, category: str, number: str, sub: int = 0) -> str:
        return (
            f"{settings.POWER_REGION_CODE}{self.subjects[unit]}"
            f"{CATEGORY_NUMBERS[category]}{number}{sub:02d}"
        )

    def run(self) -> None:
        published = [self.item(row) for row in data.ITEMS]
        for row in data.CANCELLED:
            self.cancelled(row)
        for name, flow in data.FLOWS.items():
            self.flow(self.items[name], flow)
        for name, rows in data.DISCRETION.items():
            self.discretion(self.items[name], rows)
        for row in data.REGULATIONS:
            self.regulation(row)
        for row in data.PROCESSES:
            self.process(row)
        # Published last: an item goes public with its flowchart and risk points in place.
        for item in filter(None, published):
            services.power_item_update(actor=self.legal, item=item, data={"published": True})

    def _place(self, unit: str, department: str) -> dict:
        department = self.risks.departments[unit, department]
        return {"unit": department.unit, "department": department}

    def item(self, row: tuple) -> PowerItem | None:
        """Create one item (and its sub-items); the item if it is to be published."""
        number, name, category, unit, department, posts = row[:6]
        basis_set, basis_implement, legal, promised, fee, sub_items, published, cleanup = row[6:]
        decision, reason, procedure_ref = cleanup
        fee_basis, fee_standard, fee_amount = fee or ("", "", None)
        standard = category if category in data.RESPONSIBILITIES else "other"
        common = {
            **self._place(unit, department),
            "category": category,
            "basis_set": [self._basis(b) for b in basis_set],
            "basis_implement": [self._basis(b) for b in basis_implement],
            "responsibilities": [
                {"stage": stage, "content": content}
                for stage, content in data.RESPONSIBILITIES[standard]
            ],
            "accountability": data.ACCOUNTABILITY.get(category, data.ACCOUNTABILITY["other"]),
            "legal_limit": legal,
            "promised_limit": promised,
            "fee_basis": fee_basis,
            "fee_standard": fee_standard,
            "fee_amount": fee_amount,
            "supervision_phone": data.SUPERVISION_PHONE,
            "relief": data.RELIEF,
            "decision": decision,
            "decision_year": data.CLEANUP_YEAR,
            "decision_reason": reason,
            "procedure_ref": procedure_ref,
            "posts": [self.risks.posts[unit, department, post] for post in posts],
        }
        item = services.power_item_create(
            actor=self.legal,
            data={**common, "code": self.code(unit, category, number), "name": name},
        )
        self.items[name] = item
        for n, sub_name in enumerate(sub_items, start=1):
            code = self.code(unit, category, number, n)
            sub = services.power_item_create(
                actor=self.legal,
                data={**common, "code": code, "name": sub_name, "parent": item},
            )
            self.items[sub_name] = sub
        return item if published else None

    @staticmethod
    def _basis(basis: tuple) -> dict:
        document, article, excerpt = basis
        return {"document": document, "article": article, "excerpt": excerpt}

    def cancelled(self, row: tuple) -> None:
        number, name, category, unit, department, basis, reason, year = row
        services.power_item_create(
            actor=self.legal,
            data={
                **self._place(unit, department),
                "code": self.code(unit, category, number),
                "name": name,
                "category": category,
                "basis_set": texts.parse_bases(basis) if basis.startswith("《") else [],
                "decision": Decision.CANCEL,
                "decision_year": year,
                "decision_reason": f"{reason}（原依据：{basis}）",
            },
        )

    def flow(self, item: PowerItem, flow: dict) -> None:
        case_steps = flow.get("case_steps", {})
        steps = [
            {
                "key": key,
                "kind": kind,
                "name": name,
                "post": self.risks.posts[item.unit.code, *post] if post else None,
                "limit_days": days,
                "documents": documents,
                "supervision_point": supervision,
                "case_step": case_steps.get(key, ""),
            }
            for key, kind, name, post, days, documents, supervision in flow["steps"]
        ]
        edges = [
            {"source": source, "target": target, "condition": condition}
            for source, target, condition in flow["edges"]
        ]
        services.flow_save(actor=self.legal, item=item, steps=steps, edges=edges)
        by_key = {s.key: s for s in FlowStep.objects.filter(item=item)}
        plans, places = [], []
        for key, risks in flow["risks"].items():
            for n, risk in enumerate(risks):
                plans.append(self.plan(item, by_key[key], risk, n))
                places.append(by_key[key])
        for risk, step in zip(self.risks.write(plans), places, strict=True):
            services.risk_link_set(actor=self.legal, risk=risk, item=item, step=step)

    def plan(self, item: PowerItem, step: FlowStep, risk: dict, n: int) -> RiskPlan:
        department = item.department
        responsible = self.risks.head.get(department.pk) or self.risks.principal[item.unit_id]
        method, inputs = GradingMethod.MATRIX, self._cell_for(risk["level"])
        return RiskPlan(
            register=Register.DEPARTMENT,
            unit=item.unit,
            department=department,
            post=None,
            filer=None,
            responsible=responsible,
            risk=(
                risk["category"],
                risk["title"],
                risk["manifestation"],
                f"{item.name}：{step.name}",
                (method, inputs),
                risk["measures"],
            ),
            publication=Publication.PUBLIC,
            tier=Tier.KEY if risk["level"] == 1 else Tier.MIDDLE,
            key=(item.code, step.key, n),
        )

    def _cell_for(self, level: int) -> dict:
        """The first likelihood × impact cell of the active matrix that gives `level`."""
        matrix = self.risks.matrix
        for likelihood in range(len(matrix), 0, -1):
            for impact in range(len(matrix[0]), 0, -1):
                if grading.by_matrix(likelihood, impact, matrix).level == level:
                    return {"likelihood": likelihood, "impact": impact}
        raise ValueError(f"demo data: the matrix has no cell of level {level}")

    def discretion(self, item: PowerItem, rows: tuple) -> None:
        services.discretion_save(
            actor=self.legal,
            item=item,
            rows=[
                {
                    "circumstance": circumstance,
                    "description": description,
                    "penalty_types": penalty_types,
                    "amount_min": low,
                    "amount_max": high,
                }
                for circumstance, description, penalty_types, low, high in rows
            ],
        )

    def regulation(self, row: dict) -> None:
        services.regulation_create(
            actor=self.legal,
            data={
                "unit": self.risks.units[row["unit"]],
                "published": True,
                "title": row["title"],
                "number": row["number"],
                "issuer": row["issuer"],
                "issued_on": row["issued_on"],
                "status": row["status"],
                "posts": [self.risks.posts[row["unit"], d, name] for d, name in row["posts"]],
                "power_items": [self.items[name] for name in row["powers"]],
            },
        )

    def process(self, row: dict) -> None:
        services.process_create(
            actor=self.legal,
            data={
                **self._place(row["unit"], row["department"]),
                "name": row["name"],
                "description": row["description"],
                "power_items": [self.items[name] for name in row["powers"]],
            },
        )

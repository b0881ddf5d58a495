"""Reads of the risk library: the derived responsible leader, re-assessment flags, filters,
counts and roll-ups, identification progress, overdue measures, history."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from lianfang.core.scopes import scoped
from lianfang.org import services as org_services
from lianfang.org.models import LeadershipRole
from lianfang.risks import selectors, services
from lianfang.risks.models import (
    Category,
    MeasureStatus,
    Register,
    RiskPoint,
    Status,
    Step,
)

from .factories import PersonFactory, PostFactory
from .risk_factories import MeasureFactory, RiskPointFactory

TODAY = timezone.localdate()
LONG_AGO = TODAY - timedelta(days=200)


def _shown(risk, user=None):
    risks = (
        selectors.risk_list(user)
        if user
        else selectors.with_reassessment(selectors.with_responsible_leader(RiskPoint.objects.all()))
    )
    return risks.get(pk=risk.pk)


def _leader(risk):
    row = _shown(risk)
    return row.leader_id, row.leader_name


def _post_risk(org, post="accountant", person="staff", **extra):
    return RiskPointFactory(
        post=getattr(org.posts, post), person=getattr(org.people, person), **extra
    )


# Graded responsibility (分级负责)


@pytest.mark.parametrize(("level", "leader"), [(1, "principal"), (2, "in_charge"), (3, "head")])
def test_it_derives_the_responsible_leader_from_the_level(org, level, leader):
    risk = _post_risk(org, level=level)
    person = getattr(org.people, leader)
    assert _leader(risk) == (person.pk, person.name)
    assert selectors.responsible_leader(risk) == person


@pytest.mark.parametrize("level", [1, 2, 3])
def test_it_gives_a_unit_risk_to_the_principal_leader(org, level):
    risk = RiskPointFactory(register=Register.UNIT, unit=org.bureau, level=level)
    assert _leader(risk) == (org.people.principal.pk, org.people.principal.name)


def test_it_gives_an_ungraded_risk_no_leader(org):
    assert _leader(_post_risk(org, level=None)) == (None, None)


def test_it_gives_no_leader_where_the_organisation_names_none(org):
    # 审批科 has neither a leader in charge nor a head; 局属中心 has no principal leader.
    assert _leader(_post_risk(org, "approver", "approver", level=2)) == (None, None)
    assert _leader(_post_risk(org, "approver", "approver", level=3)) == (None, None)
    assert _leader(_post_risk(org, "sub_clerk", "sub_clerk", level=1)) == (None, None)
    assert selectors.responsible_leader(_post_risk(org, "sub_clerk", "sub_clerk", level=1)) is None


def test_it_keeps_no_copy_of_the_leader_on_the_risk():
    assert not [f.name for f in RiskPoint._meta.get_fields() if "leader" in f.name]


def _hand_over(actor, office, **new):
    """End `office` yesterday and open the same office for someone else today."""
    org_services.leadership_update(
        actor=actor, leadership=office, data={"end_date": TODAY - timedelta(days=1)}
    )
    data = {"unit": office.unit, "role": office.role, "start_date": TODAY, **new}
    if office.role == LeadershipRole.DEPT_HEAD:
        data["department"] = office.department
    return org_services.leadership_create(actor=actor, data=data)


@pytest.mark.parametrize(("level", "office"), [(1, "principal"), (2, "in_charge"), (3, "head")])
def test_it_shows_the_new_leader_as_soon_as_the_leadership_changes(personas, org, level, office):
    risk = _post_risk(org, level=level)
    before = _leader(risk)
    successor = PersonFactory(name="新领导", department=org.office)
    extra = {"departments_in_charge": [org.finance]} if office == "in_charge" else {}
    _hand_over(personas.jijian, getattr(org.leaderships, office), person=successor, **extra)
    assert before != _leader(risk) == (successor.pk, "新领导")
    assert selectors.responsible_leader(risk) == successor


def test_it_follows_a_change_of_the_departments_in_charge(personas, org):
    risk = _post_risk(org, level=2)
    org_services.leadership_update(
        actor=personas.jijian,
        leadership=org.leaderships.in_charge,
        data={"departments_in_charge": [org.approval]},
    )
    assert _leader(risk) == (None, None)
    approver_risk = _post_risk(org, "approver", "approver", level=2)
    assert _leader(approver_risk)[0] == org.people.in_charge.pk


def test_it_ignores_an_office_that_has_not_begun(personas, org):
    risk = _post_risk(org, level=3)
    org_services.leadership_update(
        actor=personas.jijian,
        leadership=org.leaderships.head,
        data={"end_date": TODAY + timedelta(days=30)},
    )
    future = PersonFactory(department=org.finance)
    org_services.leadership_create(
        actor=personas.jijian,
        data={
            "unit": org.bureau,
            "person": future,
            "role": LeadershipRole.DEPT_HEAD,
            "department": org.finance,
            "start_date": TODAY + timedelta(days=31),
        },
    )
    assert _leader(risk)[0] == org.people.head.pk


def test_it_derives_leaders_for_a_whole_list_in_a_constant_number_of_queries(personas, org):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            rows = list(selectors.risk_list(personas.jijian))
            [(r.leader_name, r.reassess, r.unit.name, r.post and r.post.name) for r in rows]
        return len(ctx.captured_queries)

    _post_risk(org, level=1)
    queries()  # the caller's roles are read once and kept
    before = queries()
    for level, post, person in [(2, "cashier", "cashier"), (3, "approver", "approver")] * 5:
        _post_risk(org, post, person, level=level)
    assert queries() == before == 1


# Re-assessment (动态管理)


def _assessed_long_ago(risk):
    RiskPoint.objects.filter(pk=risk.pk).update(assessed_on=LONG_AGO)
    return risk


def _regrade(personas, risk):
    risk.refresh_from_db()
    services.risk_grade(
        actor=personas.jijian, risk=risk, method="matrix", inputs={"likelihood": 2, "impact": 2}
    )


def test_it_does_not_flag_a_risk_whose_post_has_not_changed(org):
    assert _shown(_assessed_long_ago(_post_risk(org))).reassess is False


def test_it_does_not_flag_a_risk_never_assessed(org):
    assert _shown(_post_risk(org, assessed_on=None)).reassess is False


def test_it_flags_a_risk_when_its_post_changes_hands_and_clears_it_on_regrading(personas, org):
    risk = _assessed_long_ago(_post_risk(org))
    old = org.people.staff.assignments.get()
    handover = TODAY - timedelta(days=100)
    org_services.assignment_update(
        actor=personas.jijian, assignment=old, data={"end_date": handover - timedelta(days=1)}
    )
    newcomer = PersonFactory(department=org.finance)
    org_services.assignment_create(
        actor=personas.jijian,
        data={"person": newcomer, "post": org.posts.accountant, "start_date": handover},
    )
    assert _shown(risk).reassess is True
    assert _shown(_assessed_long_ago(_post_risk(org, "cashier", "cashier"))).reassess is False
    _regrade(personas, risk)
    assert _shown(risk).reassess is False


def test_it_flags_a_risk_when_its_posts_duties_change_and_clears_it_on_regrading(personas, org):
    risk = _assessed_long_ago(_post_risk(org))
    org_services.post_update(
        actor=personas.jijian, post=org.posts.accountant, data={"duties": "新增政府采购审核"}
    )
    assert _shown(risk).reassess is True
    _regrade(personas, risk)
    assert _shown(risk).reassess is False


def test_it_does_not_flag_for_a_post_edit_that_leaves_the_duties(personas, org):
    risk = _assessed_long_ago(_post_risk(org))
    org_services.post_update(actor=personas.jijian, post=org.posts.accountant, data={"sort": 3})
    assert _shown(risk).reassess is False


# Filters


def test_it_filters_by_each_library_filter(org, personas):
    target = _post_risk(
        org,
        level=1,
        category=Category.MORAL,
        status=Status.EFFECTIVE,
        step=Step.COLLECTIVE,
        year=2025,
        publication="public",
        title="收受回扣",
        manifestation="在采购中收受供应商回扣",
        duty_link="政府采购",
    )
    _post_risk(org, "cashier", "cashier", level=2)
    RiskPointFactory(register=Register.DEPARTMENT, department=org.approval, level=3)
    values = {
        "unit": org.bureau.pk,
        "department": org.finance.pk,
        "post": org.posts.accountant.pk,
        "person": org.people.staff.pk,
        "level": 1,
        "category": "moral",
        "status": "effective",
        "step": 5,
        "year": 2025,
        "register": "post",
        "publication": "public",
    }
    assert set(values) == set(selectors.FILTERS)
    everything = RiskPoint.objects.count()
    for name, value in values.items():
        found = selectors.risk_list(personas.jijian, {name: value})
        assert target in found, name
        assert found.count() < everything or name == "unit", name
    assert list(selectors.risk_list(personas.jijian, values)) == [target]
    for text in ("回扣", "供应商", "政府采购"):
        assert list(selectors.risk_list(personas.jijian, {"q": text})) == [target]
    assert selectors.risk_list(personas.jijian, {"q": "  ", "level": None}).count() == everything


def test_it_finds_text_ignoring_the_case_of_latin_letters(org, personas):
    target = _post_risk(org, title="OA系统审批权限设置不当", duty_link="Excel台账")
    _post_risk(org, title="公车私用")
    for text in ("oa系统", "OA系统", "excel", "审批权限"):
        assert list(selectors.risk_list(personas.jijian, {"q": text})) == [target], text


def test_it_lists_only_the_callers_scope(org, personas):
    own = _post_risk(org)
    other = _post_risk(org, "cashier", "cashier")
    elsewhere = _post_risk(org, "approver", "approver")
    assert list(selectors.risk_list(personas.staff)) == [own]
    assert set(selectors.risk_list(personas.dept_head)) == {own, other}
    assert set(selectors.risk_list(personas.jijian)) == {own, other, elsewhere}
    assert not selectors.risk_list(personas.auditor).exists()


# Counts and roll-ups

POSTS = ["accountant", "cashier", "approver", "office_clerk", "sub_clerk"]
rows = st.lists(
    st.tuples(
        st.sampled_from(POSTS),
        st.sampled_from([1, 2, 3, None]),
        st.sampled_from(["moral", "duty", "process"]),
        st.sampled_from([(1, 1), (2, 3), (4, 4), None]),
    ),
    max_size=25,
)


@hsettings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows)
def test_it_counts_and_rolls_up_like_a_python_count(org, personas, rows):
    with transaction.atomic():
        posts = {name: getattr(org.posts, name) for name in POSTS}
        made = [
            RiskPointFactory(
                post=posts[post],
                person=org.people.staff,
                level=level,
                category=category,
                likelihood=cell and cell[0],
                impact=cell and cell[1],
            )
            for post, level, category, cell in rows
        ]
        risks = scoped(RiskPoint.objects.all(), personas.jijian)

        assert selectors.level_counts(risks) == {
            n: sum(1 for r in made if r.level == n) for n in (1, 2, 3, None)
        }
        assert {c["category"]: c["total"] for c in selectors.category_counts(risks)} == Counter(
            r.category for r in made
        )
        for by, key in [("unit", "unit_id"), ("department", "department_id"), ("post", "post_id")]:
            expected = {}
            for r in made:
                counts = expected.setdefault(getattr(r, key), Counter())
                counts["total"] += 1
                if r.level:
                    counts[f"l{r.level}"] += 1
            rolled = list(selectors.rollup(risks, by))
            got = {
                row[key]: Counter({k: row[k] for k in ("total", "l1", "l2", "l3") if row[k]})
                for row in rolled
            }
            assert got == expected, by
            totals = [row["total"] for row in rolled]
            assert totals == sorted(totals, reverse=True)
        heat = {(c["likelihood"], c["impact"]): c["total"] for c in selectors.heat_map(risks)}
        assert heat == Counter((r.likelihood, r.impact) for r in made if r.likelihood is not None)
        transaction.set_rollback(True)


def test_it_rolls_up_within_the_callers_scope(org, personas):
    _post_risk(org, level=1)
    _post_risk(org, "cashier", "cashier", level=2)
    _post_risk(org, "approver", "approver", level=3)
    risks = scoped(RiskPoint.objects.all(), personas.dept_head)
    assert selectors.level_counts(risks) == {1: 1, 2: 1, 3: 0, None: 0}
    rolled = list(selectors.rollup(risks, "department"))
    assert [(r["department__name"], r["total"]) for r in rolled] == [("财务科", 2)]


# Identification progress


def test_it_counts_a_post_effective_only_when_all_its_risks_of_the_year_are(org, personas):
    effective = {"status": Status.EFFECTIVE, "step": Step.COLLECTIVE}
    _post_risk(org, year=2026, **effective)
    _post_risk(org, year=2026)  # the accountant still has one in the workflow
    _post_risk(org, "cashier", "cashier", year=2026, **effective)
    _post_risk(org, "cashier", "cashier", year=2026, status=Status.RETIRED)  # does not count
    _post_risk(org, "cashier", "cashier", year=2025)  # another year
    _post_risk(org, "finance_head", "head", year=2025, **effective)  # another year only
    RiskPointFactory(register=Register.DEPARTMENT, department=org.finance, year=2026)

    rows = {
        r["department__name"]: r for r in selectors.identification_progress(personas.jijian, 2026)
    }
    finance = rows["财务科"]
    assert (finance["posts"], finance["filed"], finance["effective"]) == (3, 2, 1)
    assert (rows["审批科"]["posts"], rows["审批科"]["filed"], rows["审批科"]["effective"]) == (
        1,
        0,
        0,
    )
    assert set(rows) == {"办公室", "财务科", "审批科", "综合科"}


def test_it_counts_a_post_whose_risks_are_all_retired_as_not_filed(org, personas):
    _post_risk(org, year=2026, status=Status.RETIRED)
    rows = {
        r["department__name"]: r for r in selectors.identification_progress(personas.jijian, 2026)
    }
    assert (rows["财务科"]["filed"], rows["财务科"]["effective"]) == (0, 0)


def test_it_shows_progress_within_the_callers_scope_and_leaves_out_inactive_posts(org, personas):
    PostFactory(department=org.finance, is_active=False)
    rows = list(selectors.identification_progress(personas.dept_head, 2026))
    assert [(r["department__name"], r["posts"]) for r in rows] == [("财务科", 3)]


# Overdue measures


def test_it_lists_open_measures_past_their_due_date(org, personas):
    risk = _post_risk(org)
    late = MeasureFactory(risk=risk, due_date=TODAY - timedelta(days=1))
    late_started = MeasureFactory(
        risk=risk, due_date=TODAY - timedelta(days=30), status=MeasureStatus.IN_PROGRESS
    )
    MeasureFactory(risk=risk, due_date=TODAY)
    MeasureFactory(risk=risk, due_date=None)
    MeasureFactory(risk=risk, due_date=TODAY - timedelta(days=5), status=MeasureStatus.DONE)
    MeasureFactory(risk=risk, due_date=TODAY - timedelta(days=5), status=MeasureStatus.CANCELLED)
    others = MeasureFactory(
        risk=_post_risk(org, "cashier", "cashier"), due_date=TODAY - timedelta(days=2)
    )

    assert list(selectors.overdue_measures(personas.jijian)) == [late_started, others, late]
    assert list(selectors.overdue_measures(personas.staff)) == [late_started, late]
    assert list(selectors.overdue_measures(personas.jijian, on=TODAY - timedelta(days=10))) == [
        late_started
    ]


# History and the lists of one risk


def test_it_lists_versions_newest_first_with_the_fields_they_changed(org, personas):
    data = {
        "register": Register.POST,
        "year": 2026,
        "post": org.posts.accountant,
        "person": org.people.staff,
        "category": Category.DUTY,
        "title": "审核把关不严",
        "manifestation": "放行不合规票据",
    }
    risk = services.risk_create(actor=personas.staff, data=data)
    services.risk_update(actor=personas.staff, risk=risk, data={"title": "报销审核把关不严"})
    services.risk_grade(
        actor=personas.staff, risk=risk, method="matrix", inputs={"likelihood": 3, "impact": 3}
    )
    services.risk_grade(
        actor=personas.staff, risk=risk, method="matrix", inputs={"likelihood": 4, "impact": 3}
    )
    versions = selectors.history_of(risk)
    assert [v.history_type for v in versions] == ["~", "~", "~", "+"]
    assert {v.history_user for v in versions} == {personas.staff}
    changed = [{c.field: (c.old, c.new) for c in v.changes} for v in versions]
    assert changed[3] == {}
    assert changed[2] == {"title": ("审核把关不严", "报销审核把关不严")}
    assert changed[1]["level"] == (None, 1)
    assert changed[1]["assessed_on"] == (None, TODAY)
    assert changed[0] == {"likelihood": (3, 4)}  # same level, same day: only the cell moved


def test_it_lists_gradings_newest_first_and_workflow_in_order(org, personas):
    risk = _post_risk(org)
    for likelihood in (1, 4):
        services.risk_grade(
            actor=personas.jijian, risk=risk, inputs={"likelihood": likelihood, "impact": 4}
        )
    assert [g.inputs["likelihood"] for g in selectors.gradings_of(risk)] == [4, 1]
    services.workflow_submit(actor=personas.staff, risk=risk, comment="已自查")
    services.workflow_comment(actor=personas.dept_head, risk=risk, comment="补充一条")
    assert [(w.action, w.actor) for w in selectors.workflow_of(risk)] == [
        ("submit", personas.staff),
        ("comment", personas.dept_head),
    ]


def test_it_lists_the_years_the_caller_can_see(org, personas):
    _post_risk(org, year=2024)
    _post_risk(org, year=2026)
    _post_risk(org, "approver", "approver", year=2025)
    assert list(selectors.years(personas.dept_head)) == [2026, 2024]

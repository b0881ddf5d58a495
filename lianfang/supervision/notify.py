"""Who hears of a card (黄牌/红牌), and its escalation when nobody answers in time.

A new card goes to the case's handler, reviewer and approver — the actors of its 承办, 审核 and
批准 events, matched to accounts by user name or by the person's staff number (人员编号) — and
to the head of the handling department, so it reaches someone even when the handling system's
actor names match no account. A card still unanswered when its reply falls due escalates
(`escalate`): first to the leaders in charge of the department (分管领导), a reply limit later to
discipline inspection (纪检监察) of the case's unit and the units above it.

Everything here is set-based over the given findings: a fixed number of queries whatever their
number.
"""

from collections import defaultdict
from datetime import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lianfang.accounts.models import User
from lianfang.accounts.roles import Role
from lianfang.core import calendar, notifications
from lianfang.core.notifications import Notice
from lianfang.org.models import LeadershipRole
from lianfang.org.selectors import current_leaderships

from .models import CardLevel, CaseEvent, EventKind, Finding
from .rules import reply_due

OBJECT_TYPE = "supervision.finding"
HANDLER_KINDS = (EventKind.UNDERTAKE, EventKind.REVIEW, EventKind.APPROVE)
# Escalation steps: 1 → leaders in charge, 2 → discipline inspection.
LAST_ESCALATION = 2


CHUNK = 2000


def _chunks(findings):
    """The cards among `findings` (a queryset), CHUNK at a time with their cases. Ids first,
    unordered: an `ORDER BY pk LIMIT` page lets SQLite walk the whole findings table in key
    order instead of the index the filter names (the escalation query did, every sweep), and
    escalation updates the rows it reads."""
    ids = list(findings.filter(level__gte=CardLevel.YELLOW).order_by().values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        part = sorted(ids[start : start + CHUNK])
        yield list(
            Finding.objects.filter(pk__in=part).select_related("case", "case__unit").order_by("pk")
        )


def _handlers(case_ids) -> dict[int, set[int]]:
    actors = defaultdict(set)
    events = CaseEvent.objects.filter(case_id__in=case_ids, kind__in=HANDLER_KINDS).exclude(
        actor=""
    )
    for case_id, actor in events.values_list("case_id", "actor").order_by():
        actors[case_id].add(actor)
    names = set().union(*actors.values()) if actors else set()
    users = User.objects.filter(
        Q(username__in=names) | Q(person__staff_no__in=names), is_active=True
    )
    by_name = defaultdict(set)
    for pk, username, staff_no in users.values_list("pk", "username", "person__staff_no"):
        by_name[username].add(pk)
        if staff_no:
            by_name[staff_no].add(pk)
    return {case_id: {u for a in names_ for u in by_name[a]} for case_id, names_ in actors.items()}


def _leaders(role: str, department_ids, at: datetime) -> dict[int, set[int]]:
    """Department id → active users who currently hold `role` over it."""
    offices = current_leaderships(calendar.as_date(at)).filter(
        role=role, person__user__is_active=True
    )
    if role == LeadershipRole.DEPT_HEAD:
        rows = offices.filter(department_id__in=department_ids).values_list(
            "department_id", "person__user"
        )
    else:
        rows = offices.filter(departments_in_charge__in=department_ids).values_list(
            "departments_in_charge", "person__user"
        )
    found = defaultdict(set)
    for department_id, user_id in rows.order_by():
        found[department_id].add(user_id)
    return found


def _inspectors() -> list[tuple[str, int]]:
    """(unit path, user id) of the active discipline-inspection accounts."""
    users = User.objects.filter(roles__role=Role.JIJIAN, is_active=True, person__isnull=False)
    return list(users.values_list("person__unit__path", "pk"))


def _notice(finding: Finding, reason: str, at: datetime) -> Notice:
    case = finding.case
    level = finding.get_level_display()
    if reason == "card":
        title = _("【%(level)s】办件 %(no)s：%(rule)s") % {
            "level": level,
            "no": case.external_no,
            "rule": finding.get_rule_display(),
        }
    else:
        title = _("【逾期未答复·已升级】办件 %(no)s 的%(level)s：%(rule)s") % {
            "level": level,
            "no": case.external_no,
            "rule": finding.get_rule_display(),
        }
    due = finding.reply_due_at
    body = ""
    if due is not None:
        body = _("请于 %(due)s 前提交整改答复。") % {
            "due": f"{due.astimezone(calendar.SHANGHAI):%Y-%m-%d %H:%M}"
        }
    return Notice(
        title=title,
        body=body,
        url=reverse("supervision:card", args=[finding.pk]),
        object_type=OBJECT_TYPE,
        object_id=str(finding.pk),
        reason=reason,
        at=at,
    )


def notify_cards(findings, at: datetime) -> int:
    """Tell the handlers and the department head of each card among `findings` (a queryset;
    findings below yellow are left out). Texts are in the default language: notices are stored,
    not rendered per reader. Returns the number of notices offered."""
    sent = 0
    for cards in _chunks(findings):
        handlers = _handlers({f.case_id for f in cards})
        heads = _leaders(LeadershipRole.DEPT_HEAD, {f.case.department_id for f in cards}, at)
        with translation.override(None):
            pairs = [
                (user_id, _notice(f, "card", at))
                for f in cards
                for user_id in handlers.get(f.case_id, set())
                | heads.get(f.case.department_id, set())
            ]
        sent += notifications.send(pairs)
    return sent


def escalate(now: datetime) -> int:
    """Raise each card whose reply is overdue one step and tell the next level; its new reply
    limit is a reply period from now. Returns the number of cards raised."""
    overdue = Finding.objects.filter(
        level__gte=CardLevel.YELLOW,
        replied_at__isnull=True,
        reply_due_at__lt=now,
        escalation__lt=LAST_ESCALATION,
    )
    raised = 0
    due = reply_due(now)
    inspectors = None
    for cards in _chunks(overdue):
        for step in range(LAST_ESCALATION):
            ids = [f.pk for f in cards if f.escalation == step]
            Finding.objects.filter(pk__in=ids).update(
                escalation=step + 1, escalated_at=now, reply_due_at=due
            )
        in_charge = _leaders(LeadershipRole.IN_CHARGE, {f.case.department_id for f in cards}, now)
        if inspectors is None:
            inspectors = _inspectors()
        pairs = []
        with translation.override(None):
            for f in cards:
                f.reply_due_at, f.escalation = due, f.escalation + 1
                if f.escalation == 1:
                    users = in_charge.get(f.case.department_id, set())
                else:
                    path = f.case.unit.path
                    users = {pk for unit_path, pk in inspectors if path.startswith(unit_path)}
                notice = _notice(f, f"escalation{f.escalation}", now)
                pairs += [(user_id, notice) for user_id in users]
        notifications.send(pairs)
        raised += len(cards)
    return raised

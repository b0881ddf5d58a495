"""Cards reach people: notices to handlers and heads, the reply, escalation when unanswered
(lianfang.supervision.notify, .services; lianfang.core.notifications)."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lianfang.core import notifications
from lianfang.core.calendar import SHANGHAI
from lianfang.core.models import AuditEntry, Notification
from lianfang.supervision import services
from lianfang.supervision.ingest import ingest
from lianfang.supervision.models import Finding, Rule
from lianfang.supervision.rules import reply_due
from lianfang.supervision.sweep import sweep

from .power_factories import PowerItemFactory

US = timedelta(microseconds=1)
FOUND = datetime(2026, 9, 30, 10, tzinfo=SHANGHAI)  # the day after the 1-day limit ran out


def event(kind, n, when, actor="", **extra):
    return {"source": "wsbs", "event_id": f"C1-{n}", "case": "C1", "kind": kind, "at": when,
            "actor": actor, **extra}  # fmt: skip


@pytest.fixture
def card(personas, org):
    """A red card on a 财务科 case handled by the account `staff` (by user name) and reviewed by
    the person of `legal` (by staff number)."""
    item = PowerItemFactory(department=org.finance, legal_limit=20, promised_limit=1)
    rows = [
        event("accept", 1, "2026-09-28T09:00:00+08:00", power_item=item.code, applicant="张小明"),
        event("undertake", 2, "2026-09-28T10:00:00+08:00", actor="staff"),
        event("review", 3, "2026-09-28T11:00:00+08:00", actor=org.people.approver.staff_no),
    ]
    assert ingest(rows, actor=None, source_name="test").rejected == []
    sweep(FOUND)
    return Finding.objects.get(rule=Rule.PROMISED_OVERDUE)


def recipients(reason="card") -> set[str]:
    rows = Notification.objects.filter(reason=reason)
    return set(rows.values_list("recipient__username", flat=True))


def test_it_notifies_the_handlers_and_the_department_head_of_a_card(card):
    assert recipients() == {"staff", "legal", "dept_head"}
    notice = Notification.objects.filter(recipient__username="staff").get()
    assert "红牌" in notice.title and "C1" in notice.title and "超过承诺时限" in notice.title
    assert notice.url == f"/supervision/cards/{card.pk}/"
    assert notice.object_id == str(card.pk)


def test_it_does_not_notify_a_prompt(personas, org):
    item = PowerItemFactory(department=org.finance, legal_limit=20, promised_limit=3)
    row = event("accept", 1, "2026-09-28T09:00:00+08:00", power_item=item.code, applicant="甲")
    ingest([row], actor=None, source_name="test")
    assert sweep(datetime(2026, 9, 30, 9, tzinfo=SHANGHAI)).counts["prompt"] == 1
    assert not Notification.objects.exists()


def test_it_notifies_once_when_the_sweep_runs_again(card):
    count = Notification.objects.count()
    sweep(FOUND)
    sweep(FOUND + timedelta(hours=1))
    assert Notification.objects.count() == count


def test_it_escalates_to_the_leader_in_charge_then_to_discipline_inspection(card):
    first_due = card.reply_due_at
    assert first_due == reply_due(FOUND)
    assert sweep(first_due).escalated == 0  # the last instant of the limit is still in time
    assert sweep(first_due + US).escalated == 1
    card.refresh_from_db()
    assert (card.escalation, card.escalated_at) == (1, first_due + US)
    assert card.reply_due_at == reply_due(first_due + US)
    assert recipients("escalation1") == {"in_charge"}
    assert sweep(card.reply_due_at + US).escalated == 1
    assert recipients("escalation2") == {"jijian"}
    card.refresh_from_db()
    assert card.escalation == 2
    assert sweep(card.reply_due_at + timedelta(days=30)).escalated == 0  # nobody above that
    entries = AuditEntry.objects.filter(object_type="supervision.sweep").order_by("seq")
    assert [e.after["escalated"] for e in entries][-3:] == [1, 1, 0]


def test_it_does_not_escalate_an_answered_card(card, personas):
    services.card_reply(finding=card, user=personas.staff, text="已于当日补办并整改。")
    assert sweep(card.reply_due_at + US).escalated == 0
    assert not Notification.objects.filter(reason__startswith="escalation").exists()


def test_it_lets_a_notified_handler_reply_once_and_audits_it(card, personas):
    assert services.can_reply(personas.staff, card)  # staff sees no cases, but was notified
    replied = services.card_reply(finding=card, user=personas.staff, text="  已整改。 ")
    assert (replied.reply, replied.replied_by) == ("已整改。", personas.staff)
    entry = AuditEntry.objects.get(object_type="supervision.finding", object_id=str(card.pk))
    assert entry.after["late"] is True  # answered today, long after its October limit
    assert not services.can_reply(personas.dept_head, replied)
    with pytest.raises(ValidationError) as exc:
        services.card_reply(finding=card, user=personas.dept_head, text="再答复")
    assert "已答复" in exc.value.message_dict["reply"][0]


@pytest.mark.parametrize(
    ("text", "words"), [("", "请填写"), ("   ", "请填写"), ("字" * 2001, "2000")]
)
def test_it_refuses_an_empty_or_overlong_reply(card, personas, text, words):
    with pytest.raises(ValidationError) as exc:
        services.card_reply(finding=card, user=personas.dept_head, text=text)
    assert words in exc.value.message_dict["reply"][0]
    card.refresh_from_db()
    assert card.replied_at is None


def test_it_refuses_a_reply_from_someone_neither_in_scope_nor_notified(card, personas):
    assert not services.can_reply(personas.jijian, card)  # no supervision.reply
    outsider = personas.principal  # in scope (the unit), not notified: may answer
    assert services.can_reply(outsider, card)
    stranger = personas.in_charge  # in charge of 财务科: in scope as well
    assert services.can_reply(stranger, card)
    with pytest.raises(ValidationError):
        services.card_reply(finding=card, user=personas.jijian, text="答复")


def test_it_counts_and_marks_notices_read(card, personas, client):
    user = personas.dept_head
    assert notifications.unread_count(user) == 1
    client.force_login(user)
    page = client.get(reverse("core:notifications"))
    assert page.status_code == 200
    assert 'class="badge"' in page.content.decode() and "C1" in page.content.decode()
    notice = Notification.objects.get(recipient=user)
    opened = client.post(reverse("core:notification_open", args=[notice.pk]))
    assert opened.status_code == 302 and opened["Location"] == notice.url
    assert notifications.unread_count(user) == 0
    assert AuditEntry.objects.filter(object_type="core.notification").exists()


def test_it_keeps_another_users_notice_out_of_reach(card, personas, client):
    notice = Notification.objects.get(recipient__username="staff")
    client.force_login(personas.dept_head)
    assert client.post(reverse("core:notification_open", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_it_marks_all_read(card, personas, client):
    client.force_login(personas.staff)
    client.post(reverse("core:notifications_read_all"))
    assert notifications.unread_count(personas.staff) == 0
    assert notifications.unread_count(personas.dept_head) == 1

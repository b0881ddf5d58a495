"""In-app notifications (站内通知): what the system tells a user, listed on their notices page
with the unread count in the page header.

Writers hand over rows for many recipients at once (`send`); one notice per (recipient,
object, reason) — the unique constraint makes a repeated send (a replayed sweep) a no-op.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from . import audit, bulk
from .models import Notification


@dataclass(frozen=True)
class Notice:
    title: str
    body: str
    url: str
    object_type: str
    object_id: str
    reason: str
    at: datetime


def send(notices: Iterable[tuple[int, Notice]]) -> int:
    """Store (recipient id, notice) pairs; return how many rows were offered. Audited by the
    caller's own entry (a sweep, an ingest batch): a notice is part of what it did."""
    rows = [
        Notification(
            recipient_id=user_id,
            title=n.title[:200],
            body=n.body,
            url=n.url[:300],
            object_type=n.object_type,
            object_id=n.object_id[:64],
            reason=n.reason,
            created_at=n.at,
        )
        for user_id, n in notices
    ]
    bulk.insert_rows(rows, ignore_conflicts=True)
    return len(rows)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox(user):
    return Notification.objects.filter(recipient=user)


def mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of the user's notices (or, with no `pk`, all of them) read: the record that the
    user saw it. Returns the number marked."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    with transaction.atomic():
        marked = unread.update(read_at=timezone.now())
        if marked:
            audit.record(
                actor=user,
                action=audit.Action.UPDATE,
                object_type="core.notification",
                object_id=str(pk) if pk is not None else "all",
                object_repr=str(pk) if pk is not None else "all",
                after={"read": marked},
            )
    return marked

"""What people do in the supervision module (the handling systems write through `ingest`,
the clock through `sweep`): answering a card, and reading an applicant's protected data."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core import audit, crypto
from lianfang.core.models import Notification
from lianfang.core.scopes import scoped

from .models import CardLevel, Finding
from .notify import OBJECT_TYPE

REPLY_MAX = 2000


def answerable(user):
    """The cards `user` may see and answer: those in their data scope, and those they were
    notified of (a handler's own cards, whatever their scope). Needs `supervision.reply`."""
    if not user.has_permission("supervision.reply"):
        return Finding.objects.none()
    cards = Finding.objects.filter(level__gte=CardLevel.YELLOW)
    notified = Notification.objects.filter(
        recipient=user,
        object_type=OBJECT_TYPE,
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    in_scope = scoped(Finding.objects.all(), user).filter(pk=OuterRef("pk"))
    return cards.filter(Exists(in_scope) | Exists(notified))


def can_reply(user, finding: Finding) -> bool:
    return finding.replied_at is None and answerable(user).filter(pk=finding.pk).exists()


def card_reply(*, finding: Finding, user, text: str) -> Finding:
    """Record the unit's rectification reply (整改答复) to a card; one reply per card."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reply": _("请填写整改答复。")})
    if len(text) > REPLY_MAX:
        raise ValidationError({"reply": _("整改答复不能超过 %(n)d 个字。") % {"n": REPLY_MAX}})
    with transaction.atomic():
        card = Finding.objects.select_for_update().get(pk=finding.pk)
        if card.replied_at is not None:
            raise ValidationError({"reply": _("该卡片已答复，不能重复答复。")})
        if not answerable(user).filter(pk=card.pk).exists():
            raise ValidationError({"reply": _("您无权答复该卡片。")})
        card.reply, card.replied_at, card.replied_by = text, timezone.now(), user
        card.save(update_fields=["reply", "replied_at", "replied_by"])
        audit.record(
            actor=user,
            action=audit.Action.UPDATE,
            instance=card,
            after={
                "reply": text,
                "replied_at": card.replied_at,
                "late": card.reply_due_at is not None and card.replied_at > card.reply_due_at,
            },
        )
    return card


def applicant_reveal(*, user, case) -> str:
    """The applicant's full name or number, for a role allowed to see it; every reading is
    written to the audit trail (who looked at whose data, when)."""
    if not user.has_permission("supervision.applicant"):
        raise PermissionDenied("supervision.applicant")
    audit.record(
        actor=user,
        action=audit.Action.VIEW,
        instance=case,
        after={"field": "applicant"},
    )
    return crypto.unseal(case.applicant_sealed) if case.applicant_sealed else ""

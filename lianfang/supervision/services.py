"""What people do in the supervision module (the handling systems write through `ingest`,
the clock through `sweep`): answering a card, and reading an applicant's protected data."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core import audit, crypto

from . import selectors
from .models import Finding

REPLY_MAX = 2000


def can_reply(user, finding: Finding) -> bool:
    """A card is answered once, by someone with `supervision.reply` who may see it."""
    return (
        finding.replied_at is None
        and user.has_permission("supervision.reply")
        and selectors.cards_for(user).filter(pk=finding.pk).exists()
    )


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
        if not can_reply(user, card):
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
    audit.record(actor=user, action=audit.Action.VIEW, instance=case, after={"field": "applicant"})
    try:
        return crypto.unseal(case.applicant_sealed) if case.applicant_sealed else ""
    except crypto.InvalidToken:
        return _("（无法解密：加密密钥已更换）")

"""The append-only audit trail: every entry holds the SHA-256 of its predecessor and itself.

Changing or deleting a stored entry breaks the chain at that entry, which `verify` names.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import context
from .models import Action, AuditEntry, AuditHead  # noqa: F401  (Action re-exported)

GENESIS = "0" * 64
# Never copied into the trail, even hashed: a password hash there would outlive its change.
SECRET_FIELDS = frozenset({"password"})


def jsonable(value):
    """What a JSONField will give back, so the hash we compute now matches the one re-read."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def snapshot(instance, fields: Iterable[str] | None = None) -> dict:
    """A model instance's concrete field values (and many-to-many ids) as plain JSON."""
    opts = instance._meta
    data = {}
    for field in opts.concrete_fields:
        if field.name not in SECRET_FIELDS and (fields is None or field.name in fields):
            data[field.name] = field.value_from_object(instance)
    if instance.pk is not None:
        for field in opts.many_to_many:
            if fields is None or field.name in fields:
                data[field.name] = sorted(o.pk for o in field.value_from_object(instance))
    return jsonable(data)


def _digest(entry: AuditEntry) -> str:
    payload = [
        entry.seq,
        entry.at.astimezone(UTC).isoformat(),
        entry.actor_id,
        entry.actor_name,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.object_repr,
        entry.before,
        entry.after,
        entry.ip,
        entry.prev_hash,
    ]
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def record(
    *,
    actor,
    action: str,
    instance=None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
    actor_name: str = "",
) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction, so it commits with the change."""
    if instance is not None:
        object_type = object_type or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        object_repr = object_repr or str(instance)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=actor,
            actor_name=actor.get_username() if actor else (actor_name or "system")[:150],
            action=action,
            object_type=object_type,
            object_id=object_id[:64],
            object_repr=object_repr[:300],
            before=jsonable(before) if before is not None else None,
            after=jsonable(after) if after is not None else None,
            ip=context.current().ip,
            prev_hash=head.hash,
        )
        entry.hash = _digest(entry)
        entry.save(force_insert=True)
        head.seq, head.hash = entry.seq, entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, as (old values, new values)."""
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def verify(chunk_size: int = 2000) -> Break | None:
    """Walk the chain in order; return the first broken entry, or None when it is intact."""
    expected_prev, expected_seq = GENESIS, 1
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != expected_seq:
            return Break(expected_seq, _("记录缺失"))
        if entry.prev_hash != expected_prev:
            return Break(entry.seq, _("与前一条的哈希不衔接"))
        if _digest(entry) != entry.hash:
            return Break(entry.seq, _("内容与哈希不符"))
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        return Break(expected_seq, _("记录缺失"))
    return None

from datetime import datetime, time

from django.utils import timezone

from .models import AuditEntry, DictType


def audit_entries(
    *,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    day_from=None,
    day_to=None,
    q: str = "",
):
    entries = AuditEntry.objects.all()
    if action:
        entries = entries.filter(action=action)
    if actor:
        entries = entries.filter(actor_name__icontains=actor)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if day_from:
        entries = entries.filter(at__gte=timezone.make_aware(datetime.combine(day_from, time.min)))
    if day_to:
        entries = entries.filter(at__lte=timezone.make_aware(datetime.combine(day_to, time.max)))
    if q:
        entries = entries.filter(object_repr__icontains=q)
    return entries.order_by("-seq")


def dict_types():
    return DictType.objects.prefetch_related("items").order_by("code")

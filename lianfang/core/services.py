"""The audited write path shared by every app's services: validate, save, record.

`check(instance, m2m)` is an entity's own rule, run after the new values are applied and
before anything is written; it raises ValidationError naming the field.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from . import audit
from .audit import Action

Check = Callable[[object, dict], None] | None


def apply_fields(instance, data: dict) -> dict:
    """Set plain fields on `instance`; return the many-to-many values to set after saving."""
    m2m_names = {f.name for f in instance._meta.many_to_many}
    m2m = {}
    for name, value in data.items():
        if name in m2m_names:
            m2m[name] = value
        else:
            setattr(instance, name, value)
    return m2m


def _check_choices(instance, m2m: dict) -> None:
    """full_clean does not look at many-to-many values: hold them to `limit_choices_to` here."""
    for name, values in m2m.items():
        field = instance._meta.get_field(name)
        limit = field.get_limit_choices_to()
        pks = {v.pk for v in values}
        if limit and pks:
            allowed = field.related_model._default_manager.complex_filter(limit).filter(pk__in=pks)
            if allowed.count() != len(pks):
                raise ValidationError({name: _("所选项不在可选范围内。")})


def _constraint_fields(constraint) -> set[str]:
    fields = set(getattr(constraint, "fields", ()) or ())
    condition = getattr(constraint, "condition", None)
    if condition is not None:
        fields |= condition.referenced_base_fields
    return fields


def _unaffected(instance, changed: set[str]) -> set[str]:
    """Fields an update need not validate again: the unchanged ones, except those that share a
    constraint with a changed one (so `promised ≤ legal` is checked when either changes).
    Constraint checks are a query each, and most updates touch one or two fields."""
    keep = set(changed)
    for _model, constraints in instance.get_constraints():
        for constraint in constraints:
            fields = _constraint_fields(constraint)
            if fields & changed:
                keep |= fields
    return {f.name for f in instance._meta.concrete_fields} - keep


def _validate(instance, m2m: dict, check: Check, changed: set[str] | None = None) -> None:
    """`changed`: the fields an update sets; None for a new object (validate everything)."""
    _check_choices(instance, m2m)
    if check is not None:
        check(instance, m2m)
    instance.full_clean(exclude=None if changed is None else _unaffected(instance, changed))


def _attribute_history(instance, actor) -> None:
    """Versioned models (django-simple-history) record who made the change."""
    if getattr(actor, "is_authenticated", False):
        instance._history_user = actor


@transaction.atomic
def create(*, actor, instance, data: dict | None = None, check: Check = None):
    m2m = apply_fields(instance, data or {})
    _validate(instance, m2m, check)
    _attribute_history(instance, actor)
    instance.save(force_insert=True)
    for name, values in m2m.items():
        getattr(instance, name).set(values)
    audit.record(
        actor=actor, action=Action.CREATE, instance=instance, after=audit.snapshot(instance)
    )
    return instance


@transaction.atomic
def update(*, actor, instance, data: dict, check: Check = None):
    """Apply `data`, validate, save only the changed fields and record the field-level diff."""
    before = audit.snapshot(instance)
    m2m = apply_fields(instance, data)
    _validate(instance, m2m, check, changed={n for n in data if n not in m2m})
    _attribute_history(instance, actor)
    plain = [instance._meta.get_field(n).attname for n in data if n not in m2m]
    if plain:
        instance.save(update_fields=plain)
    for name, values in m2m.items():
        getattr(instance, name).set(values)
    old, new = audit.diff(before, audit.snapshot(instance))
    if new:
        audit.record(actor=actor, action=Action.UPDATE, instance=instance, before=old, after=new)
    return instance


@transaction.atomic
def delete(*, actor, instance) -> None:
    before = audit.snapshot(instance)
    repr_, pk, label = str(instance), instance.pk, instance._meta.label_lower
    try:
        instance.delete()
    except (ProtectedError, RestrictedError) as exc:
        message = _("“%(name)s”仍被其他记录引用，不能删除，可改为停用。") % {"name": repr_}
        raise ValidationError(message) from exc
    audit.record(
        actor=actor,
        action=Action.DELETE,
        object_type=label,
        object_id=str(pk),
        object_repr=repr_,
        before=before,
    )

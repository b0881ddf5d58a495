"""Writes to the data dictionaries (数据字典)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import services as core
from .models import DictItem


def _check_builtin(item: DictItem, m2m) -> None:
    if item.pk and item.builtin:
        original = DictItem.objects.get(pk=item.pk)
        if item.code != original.code:
            raise ValidationError({"code": _("内置字典项的编码不能修改。")})
        if not item.is_active:
            raise ValidationError({"is_active": _("内置字典项不能停用。")})


def dict_item_create(*, actor, data: dict) -> DictItem:
    return core.create(actor=actor, instance=DictItem(), data=data)


def dict_item_update(*, actor, item: DictItem, data: dict) -> DictItem:
    return core.update(actor=actor, instance=item, data=data, check=_check_builtin)

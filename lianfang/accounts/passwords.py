"""Password rules of the login policy: character classes and no reuse of recent passwords."""

import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

CLASSES = (
    ("lower", string.ascii_lowercase),
    ("upper", string.ascii_uppercase),
    ("digit", string.digits),
)


def character_classes(password: str) -> int:
    """Lower case, upper case, digits and other characters: how many of the four appear."""
    found = {name for ch in password for name, chars in CLASSES if ch in chars}
    has_other = any(not any(ch in chars for _n, chars in CLASSES) for ch in password)
    return len(found) + has_other


class CharacterClassValidator:
    def validate(self, password, user=None):
        if character_classes(password) < settings.PASSWORD_MIN_CLASSES:
            raise ValidationError(
                ngettext(
                    "密码须包含大写字母、小写字母、数字、特殊字符中的至少 %(n)d 类。",
                    "密码须包含大写字母、小写字母、数字、特殊字符中的至少 %(n)d 类。",
                    settings.PASSWORD_MIN_CLASSES,
                )
                % {"n": settings.PASSWORD_MIN_CLASSES},
                code="password_classes",
            )

    def get_help_text(self):
        n = settings.PASSWORD_MIN_CLASSES
        return ngettext(
            "至少包含大写字母、小写字母、数字、特殊字符中的 %(n)d 类。",
            "至少包含大写字母、小写字母、数字、特殊字符中的 %(n)d 类。",
            n,
        ) % {"n": n}


class HistoryValidator:
    def validate(self, password, user=None):
        if user is None or not user.pk or not settings.PASSWORD_HISTORY:
            return
        recent = [user.password, *user.password_history.values_list("password", flat=True)]
        if any(h and check_password(password, h) for h in recent[: settings.PASSWORD_HISTORY]):
            raise ValidationError(
                _reuse_message(settings.PASSWORD_HISTORY),
                code="password_reused",
            )

    def get_help_text(self):
        return _reuse_message(settings.PASSWORD_HISTORY)


def _reuse_message(n: int) -> str:
    return ngettext(
        "不能与最近 %(n)d 次使用过的密码相同。", "不能与最近 %(n)d 次使用过的密码相同。", n
    ) % {"n": n}

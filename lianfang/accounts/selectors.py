from django.conf import settings
from django.utils import timezone

from lianfang.core.scopes import scoped

from .models import LoginLog, User


def ip_throttled(ip: str | None) -> bool:
    """Too many failed logins from one address, whatever the names tried (indexed count)."""
    if not ip:
        return False
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = LoginLog.objects.filter(ip=ip, success=False, at__gte=since)
    return failures.count() >= settings.LOGIN_IP_FAILURE_LIMIT


def user_list():
    return (
        User.objects.select_related("person__unit").prefetch_related("roles").order_by("username")
    )


def people_without_account(user):
    from lianfang.org.models import Person

    return scoped(Person.objects.filter(user__isnull=True, is_active=True), user)

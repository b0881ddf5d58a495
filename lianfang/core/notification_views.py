"""The user's notices page (站内通知): newest first, unread marked; opening one marks it read
and follows its link; "全部标为已读" marks them all."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import notifications
from .models import Notification
from .paging import page_of


@login_required
@require_GET
def notification_list(request):
    notices = notifications.inbox(request.user)
    if request.GET.get("unread"):
        notices = notices.filter(read_at__isnull=True)
    return render(request, "core/notifications.html", {"page": page_of(request, notices)})


@login_required
@require_POST
def notification_open(request, pk: int):
    notice = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications.mark_read(user=request.user, pk=notice.pk)
    safe = url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()})
    return redirect(notice.url if notice.url and safe else "core:notifications")


@login_required
@require_POST
def notification_read_all(request):
    notifications.mark_read(user=request.user)
    return redirect("core:notifications")


def unread(request):
    """Context processor: the unread count shown in the page header (one indexed COUNT)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": notifications.unread_count(user)}

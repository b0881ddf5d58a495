"""The cards (黄牌/红牌) a user may answer, and one card with its explanation and reply form."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.core.paging import page_of
from lianfang.core.permissions import permission_required

from .. import explain, selectors, services

STATES = [
    ("unreplied", gettext_lazy("未答复")),
    ("overdue", gettext_lazy("逾期未答复")),
    ("replied", gettext_lazy("已答复")),
    ("all", gettext_lazy("全部")),
]


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=gettext_lazy("整改答复"),
        max_length=services.REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("说明原因及整改措施，不超过 2000 字。"),
    )


@permission_required("supervision.reply", "supervision.view")
def card_list(request):
    state = request.GET.get("state") or "unreplied"
    if state not in dict(STATES):
        state = "unreplied"
    now = timezone.now()
    cards = selectors.card_list(request.user, "" if state == "all" else state, now)
    context = {"page": page_of(request, cards), "state": state, "states": STATES, "now": now}
    return render(request, "supervision/cards.html", context)


@permission_required("supervision.reply", "supervision.view")
def card_detail(request, pk):
    user = request.user
    card = selectors.card_of(user, pk)
    can_reply = services.can_reply(user, card)
    if request.method == "POST" and not can_reply:
        raise PermissionDenied  # answered already, or not theirs to answer
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.card_reply(finding=card, user=user, text=form.cleaned_data["reply"])
        except ValidationError as exc:
            for message in exc.message_dict.get("reply", []):
                form.add_error("reply", message)
        else:
            messages.success(request, _("整改答复已提交。"))
            return redirect("supervision:card", pk=card.pk)
    events = selectors.events_of(card.case)
    context = {
        "card": card,
        "case": card.case,
        "explanation": explain.explain(card, card.case, events),
        "form": form,
        "can_reply": can_reply,
        "can_view_case": user.has_permission("supervision.view"),
        "now": timezone.now(),
    }
    return render(request, "supervision/card.html", context, status=400 if form.errors else 200)

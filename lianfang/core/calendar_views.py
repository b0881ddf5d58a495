"""The working-day calendar page (工作日历): a year's holidays and make-up working days, the
warning for a year nobody has maintained, one day's override, and the CSV import.

Reading is open to `calendar.manage` holders and to every `org.view` reader (a handler may
want to see why a deadline falls where it does); changing it needs `calendar.manage`."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import calendar, calendar_services
from .forms import submit
from .models import DayKind
from .permissions import permission_required
from .uploads import too_large_message

MANAGE, READ = calendar_services.MANAGE, "org.view"


# Reading is open to every `org.view` reader too (a handler may want to see why a deadline
# falls where it does).
calendar_reader = permission_required(MANAGE, READ)


class CalendarDayForm(forms.Form):
    day = forms.DateField(
        label=gettext_lazy("日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"), choices=DayKind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("如“国庆节”“国庆节调休上班”。"),
    )
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)


class CalendarClearForm(forms.Form):
    day = forms.DateField()


class CalendarImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("工作日历文件（.csv）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


def _this_year() -> int:
    return timezone.now().astimezone(calendar.SHANGHAI).year


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return _this_year()
    return year if calendar.MIN_YEAR <= year <= calendar.MAX_YEAR else _this_year()


def _year_url(year: int) -> str:
    return f"{reverse('core:calendar')}?year={year}"


def _year_page(request, year: int, form=None):
    rows = calendar.year_days(year)
    can_manage = request.user.has_permission(MANAGE)
    if form is None and can_manage:
        form = CalendarDayForm(initial={"kind": DayKind.HOLIDAY})
    context = {
        "year": year,
        "rows": rows,
        "maintained": calendar.year_maintained(year),
        "working_days": calendar.year_working_days(year),
        "holidays": sum(r.kind == DayKind.HOLIDAY for r in rows),
        "make_up_days": sum(r.kind == DayKind.WORKDAY for r in rows),
        "overrides": sum(r.override is not None for r in rows),
        "previous": year - 1 if year > calendar.MIN_YEAR else None,
        "next": year + 1 if year < calendar.MAX_YEAR else None,
        "years": range(calendar.MIN_YEAR, calendar.MAX_YEAR + 1),
        "library_years": (min(calendar.LIBRARY_YEARS), max(calendar.LIBRARY_YEARS)),
        "can_manage": can_manage,
        "form": form,
    }
    return render(request, "core/calendar.html", context)


@calendar_reader
@require_GET
def calendar_year(request):
    return _year_page(request, _year(request.GET.get("year")))


@permission_required(MANAGE)
@require_POST
def calendar_day_save(request):
    form = CalendarDayForm(request.POST)
    saved = submit(
        form, lambda data: calendar_services.calendar_day_set(actor=request.user, **data)
    )
    if saved is not None:
        message = _("已将 %(day)s 设为%(kind)s。")
        messages.success(request, message % {"day": saved.day, "kind": saved.get_kind_display()})
        return redirect(_year_url(saved.day.year))
    messages.error(request, _("未保存：请改正“设置某一天”中的问题。"))
    day = form.cleaned_data.get("day") if hasattr(form, "cleaned_data") else None
    year = _year(day.year if day else request.GET.get("year"))
    return _year_page(request, year, form)


@permission_required(MANAGE)
@require_POST
def calendar_day_clear(request):
    form = CalendarClearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("日期无效，未清除。"))
        return redirect("core:calendar")
    day = form.cleaned_data["day"]
    if calendar_services.calendar_day_delete(actor=request.user, day=day):
        messages.success(request, _("已清除 %(day)s 的设置。") % {"day": day})
    else:
        messages.error(request, _("%(day)s 没有设置，无需清除。") % {"day": day})
    return redirect(_year_url(day.year))


@permission_required(MANAGE)
@require_http_methods(["GET", "POST"])
def calendar_import(request):
    result = None
    form = CalendarImportForm()
    if request.method == "POST":
        form = CalendarImportForm(request.POST, request.FILES)
        if (message := too_large_message(request)) is not None:
            form.add_error("file", message)
        elif form.is_valid():
            result = calendar_services.calendar_import(
                actor=request.user, file=form.cleaned_data["file"]
            )
    context = {"form": form, "result": result, "headers": ",".join(calendar_services.HEADERS)}
    return render(request, "core/calendar_import.html", context)


def _csv(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


@permission_required(MANAGE)
@require_GET
def calendar_template(request):
    return _csv(calendar_services.calendar_csv(), _("工作日历导入模板.csv"))


@calendar_reader
@require_GET
def calendar_export(request):
    year = _year(request.GET.get("year"))
    return _csv(calendar_services.calendar_csv(year), _("工作日历-%(year)d.csv") % {"year": year})

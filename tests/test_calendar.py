"""The working-day calendar: the arithmetic (against a day-by-day reference), deadlines with
pauses, overrides and the cache, unmaintained years, the CSV import, the page and the command.

Real 2026 schedule (chinesecalendar 1.11): National Day 10-01..10-07 (Thu–Wed) with 09-20 (Sun)
and 10-10 (Sat) worked; Mid-autumn 09-25..09-27. 2028 is known to nobody: Monday–Friday.
"""

import io
from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianfang.core import calendar, calendar_services
from lianfang.core.calendar import SHANGHAI, WorkCalendar
from lianfang.core.models import AuditEntry, CalendarDay, DayKind

PAGE = "/calendar/"
WORKDAY, HOLIDAY = DayKind.WORKDAY, DayKind.HOLIDAY
LIBRARY = WorkCalendar.build({})


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Each test builds its calendar from its own database, and leaves none behind."""
    calendar.forget()
    yield
    calendar.forget()


def _at(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def _end(year, month, day) -> datetime:
    return datetime(year, month, day, 23, 59, 59, 999999, tzinfo=SHANGHAI)


# --- a day-by-day reference: what the arrays must agree with


def _ref_is_work(day: date, overrides=None) -> bool:
    if overrides and day in overrides:
        return overrides[day]
    if day in chinese_calendar.workdays:
        return True
    if day in chinese_calendar.holidays:
        return False
    return day.weekday() < 5


def _ref_add(day: date, n: int, overrides=None) -> date:
    step = 1 if n > 0 else -1
    while n:
        day += timedelta(days=step)
        n -= step * _ref_is_work(day, overrides)
    return day


def _ref_between(start: date, end: date, overrides=None) -> int:
    sign, (lo, hi) = (1, (start, end)) if start <= end else (-1, (end, start))
    return sign * sum(
        _ref_is_work(lo + timedelta(days=i), overrides) for i in range(1, (hi - lo).days + 1)
    )


# Years on both sides of the library's 2004–2026, and beyond any array.
days = st.dates(min_value=date(1998, 1, 1), max_value=date(2032, 12, 31))
far_days = st.dates(min_value=date(3, 1, 1), max_value=date(9000, 1, 1))
counts = st.integers(min_value=0, max_value=80)
override_maps = st.dictionaries(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)), st.booleans(), max_size=12
)


@given(days, override_maps)
def test_it_tells_working_days_like_the_library_overrides_and_weekday_rule(day, overrides):
    cal = WorkCalendar.build(overrides)
    assert cal.is_workday(day) is _ref_is_work(day, overrides)


@given(days, st.integers(min_value=1, max_value=80), override_maps)
def test_it_adds_working_days_like_counting_one_day_at_a_time(day, n, overrides):
    cal = WorkCalendar.build(overrides)
    result = cal.add(day, n)
    assert result == _ref_add(day, n, overrides)
    assert result > day
    assert cal.is_workday(result)
    assert cal.between(day, result) == n


@given(days, days, override_maps)
def test_it_counts_working_days_after_start_up_to_and_including_end(start, end, overrides):
    cal = WorkCalendar.build(overrides)
    assert cal.between(start, end) == _ref_between(start, end, overrides)
    assert cal.between(end, start) == -cal.between(start, end)


@given(days, counts)
def test_it_is_monotonic_in_n_and_inverse_to_between(day, n):
    assert LIBRARY.add(day, n) < LIBRARY.add(day, n + 1)
    assert LIBRARY.between(day, LIBRARY.add(day, n)) == n


@given(days, st.integers(min_value=1, max_value=80))
def test_it_counts_back_for_negative_n(day, n):
    back = LIBRARY.add(day, -n)
    assert back == _ref_add(day, -n)
    assert back < day
    assert LIBRARY.is_workday(back)
    assert LIBRARY.between(back, day) == n - 1 + LIBRARY.is_workday(day)


@given(far_days, st.integers(min_value=-400, max_value=400))
def test_it_follows_the_weekday_rule_far_outside_the_known_years(day, n):
    if not date(2003, 1, 1) <= day <= date(2027, 12, 31):
        assert LIBRARY.is_workday(day) is (day.weekday() < 5)
    result = LIBRARY.add(day, n)
    assert LIBRARY.between(day, result) == (n if n >= 0 else n + 1 - LIBRARY.is_workday(day))


def test_it_keeps_day_itself_for_n_zero():
    saturday = date(2026, 10, 3)
    assert LIBRARY.add(saturday, 0) == saturday
    assert LIBRARY.between(saturday, saturday) == 0


# --- the deadline


pause_lists = st.lists(
    st.tuples(days, st.integers(min_value=0, max_value=40)).map(
        lambda p: (p[0], p[0] + timedelta(days=p[1]))
    ),
    max_size=4,
)


@given(days, counts, pause_lists, pause_lists)
def test_it_only_ever_moves_a_deadline_later_with_pauses(received, n, pauses, more):
    plain = LIBRARY.deadline_day(received, n)
    assert plain == LIBRARY.add(received, n)
    paused = LIBRARY.deadline_day(received, n, pauses)
    assert paused >= plain
    assert LIBRARY.deadline_day(received, n, pauses + more) >= paused


@pytest.mark.django_db
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(days, counts, st.times())
def test_it_ends_a_deadline_at_the_end_of_the_nth_working_day(received, n, at):
    received_at = datetime.combine(received, at, tzinfo=SHANGHAI)
    expected = calendar.add_working_days(received, n)
    assert calendar.deadline(received_at, n) == datetime.combine(
        expected, datetime.max.time(), tzinfo=SHANGHAI
    )


def test_it_counts_from_the_day_after_receipt_across_national_day_2026(db):
    # The real 2026 schedule, as the library has it.
    assert all(chinese_calendar.is_holiday(date(2026, 10, d)) for d in range(1, 8))
    assert chinese_calendar.is_workday(date(2026, 9, 30))
    assert chinese_calendar.is_workday(date(2026, 10, 8))
    assert calendar.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert calendar.deadline(_at(2026, 9, 30, 16), 1) == _end(2026, 10, 8)
    # 17:00 UTC on 09-29 is 01:00 on 09-30 in Beijing: the receipt day is 09-30.
    assert calendar.deadline(datetime(2026, 9, 29, 17, tzinfo=UTC), 1) == _end(2026, 10, 8)
    assert calendar.working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    assert calendar.add_working_days(date(2026, 10, 8), -1) == date(2026, 9, 30)


def test_it_counts_a_make_up_saturday_as_a_working_day(db):
    saturday = date(2026, 10, 10)
    assert saturday.weekday() == 5
    assert calendar.is_workday(saturday)
    assert calendar.deadline(_at(2026, 10, 9), 1) == _end(2026, 10, 10)
    assert calendar.deadline(_at(2026, 9, 28), 5) == _end(2026, 10, 10)
    assert not calendar.is_workday(date(2026, 10, 17))  # an ordinary Saturday


def test_it_extends_a_deadline_by_a_suspension_that_spans_it(db):
    received = _at(2026, 9, 28)  # Monday; 3 working days end on 10-08
    assert calendar.deadline(received, 3) == _end(2026, 10, 8)
    # 暂停 on 09-29, 恢复 on 10-09: (09-29, 10-09] holds 09-30, 10-08 and 10-09 → 3 more days:
    # 10-09, 10-10 (the make-up Saturday) and Monday 10-12.
    pause = (_at(2026, 9, 29, 15), _at(2026, 10, 9, 9))
    assert calendar.deadline(received, 3, [pause]) == _end(2026, 10, 12)


def test_it_defines_the_edges_of_a_pause(db):
    received = _at(2026, 11, 2)  # Monday; 5 working days end on Monday 11-09
    assert calendar.deadline(received, 5) == _end(2026, 11, 9)
    same_day = (_at(2026, 11, 3, 9), _at(2026, 11, 3, 17))
    assert calendar.deadline(received, 5, [same_day]) == _end(2026, 11, 9)
    # Begun on the last day: the limit ends on the day the clock restarts.
    on_last_day = (_at(2026, 11, 9, 17), _at(2026, 11, 11, 9))
    assert calendar.deadline(received, 5, [on_last_day]) == _end(2026, 11, 11)
    after_deadline = (_at(2026, 11, 10), _at(2026, 11, 20))
    assert calendar.deadline(received, 5, [after_deadline]) == _end(2026, 11, 9)
    # Overlapping pauses count their days once: (11-03, 11-06] is 3 working days.
    overlapping = [(_at(2026, 11, 3), _at(2026, 11, 5)), (_at(2026, 11, 4), _at(2026, 11, 6))]
    assert calendar.deadline(received, 5, overlapping) == _end(2026, 11, 12)
    # Two pauses one after the other, the second begun inside the extended limit.
    chained = [(_at(2026, 11, 3), _at(2026, 11, 5)), (_at(2026, 11, 11), _at(2026, 11, 12))]
    assert calendar.deadline(received, 5, chained) == _end(2026, 11, 12)
    before_receipt = (_at(2026, 10, 26), _at(2026, 11, 2, 8))
    assert calendar.deadline(received, 5, [before_receipt]) == _end(2026, 11, 9)


def test_it_has_no_deadline_while_the_clock_is_stopped(db):
    received = _at(2026, 11, 2)
    assert calendar.deadline(received, 5, [(_at(2026, 11, 4), None)]) is None
    # Stopped only after the limit had run out: the case stays late.
    assert calendar.deadline(received, 5, [(_at(2026, 11, 12), None)]) == _end(2026, 11, 9)


def test_it_refuses_naive_times_and_backwards_pauses(db):
    with pytest.raises(ValueError, match="naive"):
        calendar.deadline(datetime(2026, 11, 2, 10), 5)
    with pytest.raises(ValueError, match="before it starts"):
        calendar.deadline(_at(2026, 11, 2), 5, [(_at(2026, 11, 5), _at(2026, 11, 4))])
    with pytest.raises(ValueError):
        calendar.deadline(_at(2026, 11, 2), -1)


# --- overrides, the cache, unmaintained years


def test_it_lets_an_override_beat_the_library_and_the_cache_follow(personas):
    tuesday, saturday = date(2026, 12, 1), date(2026, 12, 5)
    assert calendar.is_workday(tuesday)
    assert calendar.add_working_days(date(2026, 11, 30), 1) == tuesday  # cached now
    calendar_services.calendar_day_set(
        actor=personas.sysadmin, day=tuesday, kind=HOLIDAY, name="地方假日"
    )
    calendar_services.calendar_day_set(
        actor=personas.sysadmin, day=saturday, kind=WORKDAY, name="地方假日调休上班"
    )
    assert not calendar.is_workday(tuesday)
    assert calendar.is_workday(saturday)
    # Mon 11-30 + 5: 12-02, 12-03, 12-04, 12-05 (Sat), 12-07.
    assert calendar.add_working_days(date(2026, 11, 30), 5) == date(2026, 12, 7)
    calendar_services.calendar_day_delete(actor=personas.sysadmin, day=tuesday)
    assert calendar.is_workday(tuesday)
    # The library's own days can be corrected too.
    calendar_services.calendar_day_set(actor=personas.sysadmin, day=date(2026, 10, 8), kind=HOLIDAY)
    assert calendar.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 9)


def test_it_notices_changes_made_by_another_process(db, monkeypatch):
    day = date(2026, 12, 1)
    assert calendar.is_workday(day)
    CalendarDay.objects.create(day=day, kind=HOLIDAY)  # as another process would
    assert calendar.is_workday(day)  # checked at most every CHECK_SECONDS
    monkeypatch.setattr(calendar, "CHECK_SECONDS", 0)
    assert not calendar.is_workday(day)
    CalendarDay.objects.filter(day=day).delete()  # a deletion changes the row count
    assert calendar.is_workday(day)


def test_it_answers_many_questions_without_asking_the_database_again(
    db, django_assert_max_num_queries
):
    calendar.is_workday(date(2026, 1, 5))
    with django_assert_max_num_queries(0):
        for i in range(2000):
            day = date(2026, 1, 1) + timedelta(days=i % 365)
            calendar.deadline(_at(day.year, day.month, day.day), 20)
            calendar.working_days_between(day, day + timedelta(days=40))


def test_it_counts_monday_to_friday_in_an_unmaintained_year_and_says_so(personas):
    assert calendar.is_maintained(2026)
    assert not calendar.is_maintained(2028)
    assert set(range(2004, 2027)) <= calendar.years_maintained()
    assert 2028 not in calendar.years_maintained()
    assert not calendar.is_workday(date(2028, 1, 1))  # Saturday, though New Year's Day
    assert calendar.is_workday(date(2028, 1, 3))
    assert calendar.add_working_days(date(2028, 1, 1), 5) == date(2028, 1, 7)
    assert calendar.year_working_days(2028) == 260
    calendar_services.calendar_day_set(
        actor=personas.sysadmin, day=date(2028, 1, 3), kind=HOLIDAY, name="元旦"
    )
    assert calendar.is_maintained(2028)
    assert calendar.year_maintained(2028)
    assert calendar.add_working_days(date(2028, 1, 1), 5) == date(2028, 1, 10)


# --- the services


def test_it_audits_every_change_and_skips_no_op_writes(personas):
    admin, day = personas.sysadmin, date(2027, 1, 1)
    calendar_services.calendar_day_set(actor=admin, day=day, kind=HOLIDAY, name="元旦")
    calendar_services.calendar_day_set(actor=admin, day=day, kind=HOLIDAY, name="元旦")
    calendar_services.calendar_day_set(
        actor=admin, day=day, kind=HOLIDAY, name="元旦", note="据通知"
    )
    assert calendar_services.calendar_day_delete(actor=admin, day=day)
    assert not calendar_services.calendar_day_delete(actor=admin, day=day)
    entries = AuditEntry.objects.filter(object_type="core.calendarday").order_by("seq")
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert entries[0].actor == admin
    assert entries[0].after["day"] == "2027-01-01"
    assert entries[1].after["note"] == "据通知"


def test_it_refuses_a_year_outside_the_range_and_a_user_without_the_permission(personas):
    with pytest.raises(ValidationError) as caught:
        calendar_services.calendar_day_set(
            actor=personas.sysadmin, day=date(2150, 1, 1), kind=HOLIDAY
        )
    assert "day" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        calendar_services.calendar_day_set(
            actor=personas.sysadmin, day=date(2027, 1, 1), kind="rest"
        )
    assert "kind" in caught.value.message_dict
    for user in (personas.staff, personas.jijian, personas.auditor):
        with pytest.raises(PermissionDenied):
            calendar_services.calendar_day_set(actor=user, day=date(2027, 1, 1), kind=HOLIDAY)
        with pytest.raises(PermissionDenied):
            calendar_services.calendar_import(actor=user, file=io.BytesIO(b""))
    assert not CalendarDay.objects.exists()


def _csv(text: str, bom: bool = False, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))


GOOD_2027 = """日期,类型,名称,备注
2027-01-01,休息日,元旦,
2027/2/6,工作日,春节调休上班,
2027年2月11日,holiday,春节,

2027-02-20,WorkDay,春节调休上班,据国办通知
"""


def test_it_imports_a_year_from_csv_with_or_without_bom(personas):
    result = calendar_services.calendar_import(actor=personas.sysadmin, file=_csv(GOOD_2027, True))
    assert result.ok, result.issues
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    assert result.years == [2027]
    assert dict(CalendarDay.objects.values_list("day", "kind")) == {
        date(2027, 1, 1): HOLIDAY,
        date(2027, 2, 6): WORKDAY,
        date(2027, 2, 11): HOLIDAY,
        date(2027, 2, 20): WORKDAY,
    }
    assert CalendarDay.objects.get(day=date(2027, 2, 20)).note == "据国办通知"
    assert calendar.is_maintained(2027)
    assert calendar.is_workday(date(2027, 2, 6))  # picked up at once
    again = "日期,类型,名称,备注\n2027-01-01,休息日,元旦,\n2027-02-11,工作日,,更正\n"
    result = calendar_services.calendar_import(actor=personas.sysadmin, file=_csv(again))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert calendar.is_workday(date(2027, 2, 11))
    assert AuditEntry.objects.filter(object_type="core.calendarday").count() == 5


BAD = """日期,类型,名称,备注
2027-01-01,休息日,元旦,
2027-13-01,休息日,,
,工作日,,
2027-02-06,上班,,
2027-01-01,工作日,,
2027-03-01,休息日,{long},,多余
"""


def test_it_imports_all_or_nothing_naming_line_and_column(personas):
    text = BAD.format(long="名" * 51)
    result = calendar_services.calendar_import(actor=personas.sysadmin, file=_csv(text))
    assert not result.ok
    found = [(i.row, i.column, i.header) for i in result.issues]
    assert found == [
        (3, "A", "日期"),
        (4, "A", "日期"),
        (5, "B", "类型"),
        (6, "A", "日期"),
        (7, "E", ""),
        (7, "C", "名称"),
    ]
    messages = [i.message for i in result.issues]
    assert "2027-13-01" in messages[0]
    assert messages[1] == "请填写日期。"
    assert "工作日" in messages[2]
    assert "第 2 行" in messages[3]
    assert not CalendarDay.objects.exists()
    assert not AuditEntry.objects.filter(object_type="core.calendarday").exists()


def test_it_refuses_files_that_are_not_the_template(personas):
    def issues(data):
        result = calendar_services.calendar_import(actor=personas.sysadmin, file=data)
        assert not CalendarDay.objects.exists()
        return [(i.row, i.message) for i in result.issues]

    gbk = _csv("日期,类型,名称,备注\n2027-01-01,休息日,元旦,\n", encoding="gbk")
    [(line, message)] = issues(gbk)
    assert line == 1 and "UTF-8" in message
    [(line, message)] = issues(_csv("date,type\n2027-01-01,holiday\n"))
    assert line == 1 and "日期,类型,名称,备注" in message
    [(line, message)] = issues(_csv(""))
    assert line is None and "空" in message
    [(line, message)] = issues(io.BytesIO(b"PK\x03\x04\x00\x00binary"))
    assert "CSV" in message
    later = "日期,类型,名称,备注\n2027-01-01,休息日,元旦,\n2027-01-02,休息日,元旦\xa0,\n"
    data = later.encode().replace("\xa0".encode(), b"\xff")
    [(line, message)] = issues(io.BytesIO(data))
    assert line == 3


def test_it_exports_a_year_that_imports_back_unchanged(personas):
    calendar_services.calendar_day_set(
        actor=personas.sysadmin, day=date(2027, 1, 1), kind=HOLIDAY, name="=HYPERLINK(1)"
    )
    text = calendar_services.calendar_csv(2027)
    assert text.startswith("\ufeff日期,类型,名称,备注")
    assert "'=HYPERLINK(1)" in text  # neutralised for Excel
    result = calendar_services.calendar_import(
        actor=personas.sysadmin, file=io.BytesIO(text.encode())
    )
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert CalendarDay.objects.get().name == "=HYPERLINK(1)"


# --- the page


def test_it_shows_a_year_with_its_holidays_make_up_days_and_overrides(client, personas):
    calendar_services.calendar_day_set(
        actor=personas.sysadmin, day=date(2026, 10, 8), kind=HOLIDAY, name="地方假日", note="试行"
    )
    client.force_login(personas.sysadmin)
    response = client.get(PAGE, {"year": 2026})
    assert response.status_code == 200
    html = response.content.decode()
    assert "国庆节" in html and "国庆节调休上班" in html
    assert "2026-10-10" in html
    assert "本地设置" in html and "地方假日" in html and "原为：工作日" in html
    assert "尚未维护" not in html
    assert 'href="/calendar/"' in html  # the navigation entry 工作日历
    assert "工作日历" in html


def test_it_warns_about_an_unmaintained_year(client, personas):
    client.force_login(personas.sysadmin)
    html = client.get(PAGE, {"year": 2028}).content.decode()
    assert "2028年的法定节假日和调休安排尚未维护" in html
    assert "260" in html


def test_it_sets_and_clears_a_day_from_the_page(client, personas):
    client.force_login(personas.sysadmin)
    data = {"day": "2027-10-01", "kind": HOLIDAY, "name": "国庆节", "note": ""}
    response = client.post("/calendar/days/", data)
    assert response.status_code == 302
    assert response["Location"] == "/calendar/?year=2027"
    assert CalendarDay.objects.get(day=date(2027, 10, 1)).name == "国庆节"
    assert not calendar.is_workday(date(2027, 10, 1))
    response = client.post("/calendar/days/", {"day": "2150-01-01", "kind": HOLIDAY})
    assert response.status_code == 200
    assert "2000 年至 2099 年" in response.content.decode()
    response = client.post("/calendar/days/clear/", {"day": "2027-10-01"})
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert calendar.is_workday(date(2027, 10, 1))
    actions = AuditEntry.objects.filter(object_type="core.calendarday").values_list("action")
    assert sorted(a for (a,) in actions) == ["create", "delete"]


def test_it_imports_from_the_page_and_lists_the_problems(client, personas):
    client.force_login(personas.sysadmin)
    template = client.get("/calendar/template.csv")
    assert template.status_code == 200
    assert template["Content-Type"] == "text/csv; charset=utf-8"
    assert template.content.decode() == "\ufeff日期,类型,名称,备注\r\n"
    bad = _csv("日期,类型,名称,备注\n2027-01-01,放假,元旦,\n")
    bad.name = "2027.csv"
    html = client.post("/calendar/import/", {"file": bad}).content.decode()
    assert "文件未导入" in html and "第 2 行" in html and "B 类型" in html
    assert not CalendarDay.objects.exists()
    good = _csv(GOOD_2027, bom=True)
    good.name = "2027.csv"
    html = client.post("/calendar/import/", {"file": good}).content.decode()
    assert "导入完成：新增 4 天" in html
    assert CalendarDay.objects.count() == 4
    export = client.get("/calendar/export.csv", {"year": 2027})
    assert "2027-02-06,工作日,春节调休上班" in export.content.decode()


def test_it_lets_org_readers_read_and_only_calendar_managers_change(client, personas):
    client.force_login(personas.staff)
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "设置某一天" not in html and "清除设置" not in html
    assert 'href="/calendar/"' not in html  # no navigation entry for readers
    assert client.get("/calendar/export.csv").status_code == 200
    for method, url in [
        ("post", "/calendar/days/"),
        ("post", "/calendar/days/clear/"),
        ("get", "/calendar/import/"),
        ("post", "/calendar/import/"),
        ("get", "/calendar/template.csv"),
    ]:
        data = {"day": "2027-01-01", "kind": HOLIDAY} if method == "post" else None
        assert getattr(client, method)(url, data).status_code == 403
    assert not CalendarDay.objects.exists()
    assert AuditEntry.objects.filter(action="denied").count() == 5
    for persona in ("auditor", "secadmin"):
        client.force_login(getattr(personas, persona))
        assert client.get(PAGE).status_code == 403
    client.logout()
    assert client.get(PAGE).status_code == 302


# --- the command


def test_it_imports_and_shows_from_the_command_line(db, tmp_path, capsys):
    path = tmp_path / "2027.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_2027.encode())
    out = io.StringIO()
    call_command("calendar", "import", str(path), stdout=out)
    assert "新增 4 天" in out.getvalue()
    assert AuditEntry.objects.filter(object_type="core.calendarday").first().actor_name == "system"
    out = io.StringIO()
    call_command("calendar", "show", "2027", stdout=out)
    text = out.getvalue()
    assert "2027-02-06  工作日  春节调休上班  [本地设置]" in text
    assert "尚未维护" not in text
    out = io.StringIO()
    call_command("calendar", "show", "2028", stdout=out)
    assert "尚未维护" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,类型,名称,备注\n2027-02-30,休息日,,\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("calendar", "import", str(bad), stderr=err)
    assert "第 2 行" in err.getvalue() and "A 日期" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("calendar", "import", str(path), "--user", "nobody")

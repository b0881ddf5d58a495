"""Load the demo bureau (tables in `demo_data`) through the audited services.

`load_demo` is all-or-nothing: one transaction, every row written by a service so that each
leaves its audit entry.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from lianfang.core.models import DictItem
from lianfang.org import demo_data as data
from lianfang.org import services
from lianfang.org.models import KEY_AREA_DICT, Tier, Unit

from . import services as accounts

DEMO_USERS = tuple(username for username, *_rest in data.ACCOUNTS)


def load_demo(*, password: str) -> bool:
    """Create the demo bureau and its accounts; False (and nothing done) if already loaded."""
    with transaction.atomic():
        if Unit.objects.filter(code=data.ROOT).exists():
            return False
        loader = _Loader(today=timezone.localdate())
        loader.units()
        loader.departments()
        loader.posts_and_people()
        loader.leaderships()
        loader.accounts(password)
    return True


def _months_ago(today: date, months: int, day: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, day)


def _day_of(name: str) -> int:
    """A stable day of the month per person, so that dates do not all fall on the 1st."""
    return sum(map(ord, name)) % 28 + 1


class _Loader:
    def __init__(self, today: date):
        self.today = today
        items = DictItem.objects.filter(dict_type__code=KEY_AREA_DICT)
        self.area_items = {item.code: item for item in items}
        self.units_by_code = {}
        self.departments_by_key = {}  # (unit code, abbreviation) -> Department
        self.posts_by_key = {}  # (unit code, abbreviation, post name) -> Post
        self.people = {}  # name -> Person
        self.current = {}  # name -> current Assignment
        self.staff_numbers = {}  # unit code -> last number used

    def areas(self, codes):
        return [self.area_items[code] for code in codes]

    def on(self, name: str, months: int) -> date:
        return _months_ago(self.today, months, _day_of(name))

    def units(self) -> None:
        for sort, (code, name, short_name, parent) in enumerate(data.UNITS, start=1):
            self.units_by_code[code] = services.unit_create(
                actor=None,
                data={
                    "code": code,
                    "name": name,
                    "short_name": short_name,
                    "parent": self.units_by_code[parent] if parent else None,
                    "sort": sort,
                },
            )

    def departments(self) -> None:
        for sort, (unit, abbr, name, areas, duties) in enumerate(data.DEPARTMENTS, start=1):
            self.departments_by_key[unit, abbr] = services.department_create(
                actor=None,
                data={
                    "unit": self.units_by_code[unit],
                    "code": f"{unit}-{abbr}",
                    "name": name,
                    "duties": duties,
                    "areas": self.areas(areas),
                    "sort": sort,
                },
            )

    def posts_and_people(self) -> None:
        """Posts first (rotation history may point at a later post), then their holders."""
        numbers = {}
        for unit, abbr, name, tier, areas, duties, holders in data.POSTS:
            numbers[unit, abbr] = numbers.get((unit, abbr), 0) + 1
            self.posts_by_key[unit, abbr, name] = services.post_create(
                actor=None,
                data={
                    "department": self.departments_by_key[unit, abbr],
                    "code": f"{unit}-{abbr}-{numbers[unit, abbr]:02d}",
                    "name": name,
                    "tier": tier,
                    "areas": self.areas(areas),
                    "duties": duties,
                    "headcount": max(len(holders), 1),
                    "sort": numbers[unit, abbr],
                },
            )
        for unit, abbr, post_name, _tier, _areas, _duties, holders in data.POSTS:
            post = self.posts_by_key[unit, abbr, post_name]
            for name, gender, job_title, months in holders:
                self.person(unit, abbr, name, gender, job_title)
                self.rotation_history(name, self.on(name, months))
                self.current[name] = self.assign(name, post, self.on(name, months), None)

    def person(self, unit: str, abbr: str, name: str, gender: str, job_title: str) -> None:
        if name in self.people:
            raise ValueError(f"demo data: duplicate person name {name}")
        self.staff_numbers[unit] = self.staff_numbers.get(unit, 0) + 1
        self.people[name] = services.person_create(
            actor=None,
            data={
                "name": name,
                "staff_no": f"{unit}-{self.staff_numbers[unit]:03d}",
                "gender": gender,
                "unit": self.units_by_code[unit],
                "department": self.departments_by_key[unit, abbr],
                "job_title": job_title,
            },
        )

    def rotation_history(self, name: str, current_start: date) -> None:
        """Earlier posts, each ending the day before the next one began."""
        earlier = data.ROTATIONS.get(name, ())
        starts = [self.on(name, months) for *_key, months in earlier] + [current_start]
        for (unit, abbr, post_name, _months), start, next_start in zip(
            earlier, starts, starts[1:], strict=False
        ):
            post = self.posts_by_key[unit, abbr, post_name]
            self.assign(name, post, start, next_start - timedelta(days=1))

    def assign(self, name: str, post, start: date, end: date | None):
        return services.assignment_create(
            actor=None,
            data={"person": self.people[name], "post": post, "start_date": start, "end_date": end},
        )

    def leaderships(self) -> None:
        for unit, name, role, abbrs, areas in data.LEADERS:
            services.leadership_create(
                actor=None,
                data={
                    "unit": self.units_by_code[unit],
                    "person": self.people[name],
                    "role": role,
                    "departments_in_charge": [self.departments_by_key[unit, a] for a in abbrs],
                    "areas_in_charge": self.areas(areas),
                    "start_date": self.current[name].start_date,
                },
            )
        # The holder of each department's middle-tier post heads that department.
        for unit, abbr, _post, tier, _areas, _duties, holders in data.POSTS:
            for name, *_rest in holders if tier == Tier.MIDDLE else ():
                services.leadership_create(
                    actor=None,
                    data={
                        "unit": self.units_by_code[unit],
                        "person": self.people[name],
                        "role": "dept_head",
                        "department": self.departments_by_key[unit, abbr],
                        "start_date": self.current[name].start_date,
                    },
                )

    def accounts(self, password: str) -> None:
        for username, role, name, full_name in data.ACCOUNTS:
            accounts.user_create(
                actor=None,
                username=username,
                full_name=full_name,
                person=self.people[name] if name else None,
                roles=[role],
                password=password,
                must_change_password=False,  # demo accounts are usable at once
            )

"""Names in an import file → units, departments, posts and people, inside the importing
user's data scope only, loaded set-based for the names the file uses."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext as _

from lianfang.core.scopes import scoped
from lianfang.core.text import join_list
from lianfang.org.models import Assignment, Department, Person, Post, Unit

from ..models import Register

NAME_CHUNK = 500


def _chunks(values: Iterable, size: int = NAME_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Names:
    """Name → object lookups inside the user's scope, loaded for the names in the file only."""

    def __init__(self, user, drafts):
        self.user = user
        wanted = defaultdict(set)
        for d in drafts:
            for key in ("unit", "department", "post"):
                if d.values.get(key):
                    wanted[key].add(d.values[key])
            for key in ("person", "responsible_person"):
                if d.values.get(key):
                    name, number = d.values[key]
                    wanted["people"].add(name)
                    if number:
                        wanted["numbers"].add(number)
        self.units = defaultdict(list)
        for chunk in _chunks(wanted["unit"]):
            units = scoped(Unit.objects.filter(is_active=True), user).filter(
                Q(name__in=chunk) | Q(short_name__in=chunk)
            )
            for unit in units:
                for name in {unit.name, unit.short_name} & set(chunk):
                    self.units[name].append(unit)
        self.departments = {}
        for chunk in _chunks(wanted["department"]):
            departments = scoped(Department.objects.filter(is_active=True), user)
            for dept in departments.filter(name__in=chunk):
                self.departments[dept.unit_id, dept.name] = dept
        self.posts = {}
        for chunk in _chunks(wanted["post"]):
            posts = scoped(Post.objects.filter(is_active=True), user).filter(name__in=chunk)
            for post in posts.select_related("department"):
                self.posts[post.department_id, post.name] = post
        self.people = defaultdict(list)
        self.numbers = {}
        people = scoped(Person.objects.filter(is_active=True), user)
        for chunk in _chunks(wanted["people"]):
            for person in people.filter(name__in=chunk):
                self.people[person.name].append(person)
        for chunk in _chunks(wanted["numbers"]):
            for person in people.filter(staff_no__in=chunk):
                self.numbers[person.staff_no] = person
        self.holders = set()
        post_ids = [p.pk for p in self.posts.values()]
        for chunk in _chunks(post_ids):
            self.holders |= set(
                Assignment.objects.filter(post_id__in=chunk).values_list("person_id", "post_id")
            )

    def person(self, ref, *, post=None, department=None, unit=None):
        """One person for (name, staff number); narrowed by post, department, then unit when
        the name alone is shared. Returns (person, error message)."""
        name, number = ref
        if number:
            person = self.numbers.get(number)
            if person is None or person.name != name:
                message = _("人员“%(n)s（%(no)s）”不存在、编号与姓名不符或不在您的数据权限范围内。")
                return None, message % {"n": name, "no": number}
            return person, ""
        candidates = self.people.get(name, [])
        narrowings = (
            (post, lambda c: (c.pk, post.pk) in self.holders),
            (department, lambda c: c.department_id == department.pk),
            (unit, lambda c: c.unit_id == unit.pk),
        )
        for context, keep in narrowings:
            if len(candidates) > 1 and context is not None:
                candidates = [c for c in candidates if keep(c)] or candidates
        if not candidates:
            return None, _("人员“%(n)s”不存在或不在您的数据权限范围内。") % {"n": name}
        if len(candidates) > 1:
            numbers = join_list(sorted(c.staff_no for c in candidates))
            return None, _(
                "人员“%(n)s”有 %(count)d 人同名（编号 %(nos)s），请写成“%(n)s（人员编号）”。"
            ) % {"n": name, "count": len(candidates), "nos": numbers}
        return candidates[0], ""

    def unit(self, name):
        units = self.units.get(name, [])
        if not units:
            return None, _("单位“%(n)s”不存在或不在您的数据权限范围内。") % {"n": name}
        if len(units) > 1:
            return None, _("单位名称“%(n)s”对应多个单位，请填写单位全称。") % {"n": name}
        return units[0], ""


def resolve(drafts, user, register: str, columns, issues) -> None:
    """Turn the names in each draft into objects inside the user's scope."""
    names = Names(user, drafts)
    index = {c.key: i for i, c in enumerate(columns)}
    column = {c.key: c for c in columns}

    def fail(draft, key, message):
        issues.add(draft.row, index[key], column[key], message)

    for d in drafts:
        v = d.values
        if v.get("unit"):
            d.unit, error = names.unit(v["unit"])
            if error:
                fail(d, "unit", error)
        if register != Register.UNIT and d.unit and v.get("department"):
            d.department = names.departments.get((d.unit.pk, v["department"]))
            if d.department is None:
                fail(
                    d,
                    "department",
                    _("科室“%(d)s”不在单位“%(u)s”中或不在您的数据权限范围内。")
                    % {"d": v["department"], "u": v["unit"]},
                )
        if register == Register.POST and d.department and v.get("post"):
            d.post = names.posts.get((d.department.pk, v["post"]))
            if d.post is None:
                fail(
                    d,
                    "post",
                    _("岗位“%(p)s”不在科室“%(d)s”中或不在您的数据权限范围内。")
                    % {"p": v["post"], "d": v["department"]},
                )
        if register == Register.POST and v.get("person") and d.post:
            d.person, error = names.person(v["person"], post=d.post, department=d.department)
            if error:
                fail(d, "person", error)
        if v.get("responsible_person") and d.unit:
            d.responsible, error = names.person(
                v["responsible_person"], department=d.department, unit=d.unit
            )
            if error:
                fail(d, "responsible_person", error)

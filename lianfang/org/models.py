from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianfang.core.models import DictItem
from lianfang.core.scopes import ScopePaths

KEY_AREA_DICT = "key_area"
# The seed: the principal leader does not directly take charge of finance, personnel,
# infrastructure, procurement or project approval (主要领导不直接分管…).
PRINCIPAL_FORBIDDEN_AREAS = ("finance", "personnel", "construction", "procurement", "approval")


def key_area_choices():
    return {"dict_type__code": KEY_AREA_DICT, "is_active": True}


class Tier(models.TextChoices):
    LEADER = "leader", _("领导岗位")
    MIDDLE = "middle", _("中层岗位")
    KEY = "key", _("重要岗位")
    GENERAL = "general", _("一般岗位")


class Unit(models.Model):
    """The bureau and its subordinate units, as a tree kept in a materialised path."""

    name = models.CharField(_("单位名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    code = models.CharField(
        _("单位编码"),
        max_length=30,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Za-z0-9_-]+$", _("单位编码只能包含字母、数字、下划线和连字符。"))
        ],
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # "/JU/JU-01/": the unit codes from the root down, so a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False, blank=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)

    scope_paths = ScopePaths(unit="", department="departments", person="people", reverse=True)
    scope_basic_data = True

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class Department(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("部门名称"), max_length=100)
    code = models.CharField(_("部门编码"), max_length=30, unique=True)
    duties = models.TextField(_("部门职责"), blank=True)
    areas = models.ManyToManyField(
        DictItem,
        verbose_name=_("涉及重点领域"),
        blank=True,
        limit_choices_to=key_area_choices,
        related_name="+",
    )
    sort = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)

    scope_paths = ScopePaths(unit="unit", department="", person="people", reverse=True)
    scope_basic_data = True

    class Meta:
        verbose_name = _("内设部门")
        verbose_name_plural = _("内设部门")
        ordering = ["unit__path", "sort", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="department_unique_name")
        ]

    def __str__(self):
        return self.name


class Post(models.Model):
    department = models.ForeignKey(
        Department, verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="posts"
    )
    name = models.CharField(_("岗位名称"), max_length=100)
    code = models.CharField(_("岗位编码"), max_length=30, unique=True)
    tier = models.CharField(_("岗位层级"), max_length=10, choices=Tier, default=Tier.GENERAL)
    areas = models.ManyToManyField(
        DictItem,
        verbose_name=_("重点领域"),
        blank=True,
        limit_choices_to=key_area_choices,
        related_name="+",
    )
    duties = models.TextField(_("岗位职责"), blank=True)
    duties_changed_on = models.DateField(_("职责变更日期"), null=True, blank=True, editable=False)
    headcount = models.PositiveSmallIntegerField(_("编制人数"), default=1)
    sort = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)

    scope_paths = ScopePaths(
        unit="department__unit",
        department="department",
        person="assignments__person",
        reverse=True,
    )
    scope_basic_data = True

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["department__sort", "department_id", "sort", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="post_unique_name")
        ]

    def __str__(self):
        return self.name


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Person(models.Model):
    """A cadre or staff member (干部职工) and where they belong on the establishment."""

    name = models.CharField(_("姓名"), max_length=50)
    staff_no = models.CharField(_("人员编号"), max_length=30, unique=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="people"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("所在部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    job_title = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("在职"), default=True)

    scope_paths = ScopePaths(unit="unit", department="department", person="")
    scope_basic_data = True

    class Meta:
        verbose_name = _("干部职工")
        verbose_name_plural = _("干部职工")
        ordering = ["unit__path", "department_id", "staff_no"]

    def __str__(self):
        return self.name


class Assignment(models.Model):
    """Who holds which post, from when to when (任职); the rotation history."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="assignments"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="assignments"
    )
    start_date = models.DateField(_("任职日期"))
    end_date = models.DateField(_("离任日期"), null=True, blank=True)
    concurrent = models.BooleanField(
        _("兼任"), default=False, help_text=_("兼任岗位可与本人其他任职时间重叠。")
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_paths = ScopePaths(
        unit="post__department__unit", department="post__department", person="person"
    )
    scope_basic_data = True

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ["-start_date", "pk"]
        indexes = [models.Index(fields=["post", "end_date", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.person} · {self.post}"


class LeadershipRole(models.TextChoices):
    PRINCIPAL = "principal", _("主要领导")
    IN_CHARGE = "in_charge", _("分管领导")
    DEPT_HEAD = "dept_head", _("部门负责人")


class Leadership(models.Model):
    """A leadership office held over time: principal, in charge of departments/areas, or head."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="leaderships"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="leaderships"
    )
    role = models.CharField(_("领导职责"), max_length=10, choices=LeadershipRole)
    department = models.ForeignKey(
        Department,
        verbose_name=_("负责部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="heads",
        help_text=_("部门负责人填写。"),
    )
    departments_in_charge = models.ManyToManyField(
        Department, verbose_name=_("分管部门"), blank=True, related_name="leaders_in_charge"
    )
    areas_in_charge = models.ManyToManyField(
        DictItem,
        verbose_name=_("分管领域"),
        blank=True,
        limit_choices_to=key_area_choices,
        related_name="+",
    )
    start_date = models.DateField(_("起始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    scope_paths = ScopePaths(unit="unit", department="department", person="person")
    scope_basic_data = True

    class Meta:
        verbose_name = _("领导分工")
        verbose_name_plural = _("领导分工")
        ordering = ["unit__path", "role", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(role="principal", end_date__isnull=True),
                name="one_current_principal_per_unit",
                violation_error_message=_("该单位已有在任主要领导。"),
            ),
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(role="dept_head", end_date__isnull=True),
                name="one_current_head_per_department",
                violation_error_message=_("该部门已有在任负责人。"),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="leadership_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.get_role_display()} {self.person}"

    def forbidden_charges(self) -> list[str]:
        """What makes this a finding for a principal leader: the areas and departments in charge
        that touch a forbidden area. Reads prefetched relations only."""
        found = [a.label for a in self.areas_in_charge.all() if a.code in PRINCIPAL_FORBIDDEN_AREAS]
        for department in self.departments_in_charge.all():
            if any(a.code in PRINCIPAL_FORBIDDEN_AREAS for a in department.areas.all()):
                found.append(department.name)
        return found

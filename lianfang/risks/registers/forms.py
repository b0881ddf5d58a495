from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.scopes import scoped
from lianfang.org.forms import department_label
from lianfang.org.models import Department, Unit

from .. import selectors


def year_choices(user) -> list[tuple[int, int]]:
    """The years the user's library has, and this year and the next (for a new review)."""
    this_year = timezone.localdate().year
    years = set(selectors.years(user)) | {this_year, this_year + 1}
    return [(y, y) for y in sorted(years, reverse=True)]


def default_year(user) -> int:
    this_year = timezone.localdate().year
    latest = selectors.years(user).first()
    return latest if latest is not None and latest <= this_year + 1 else this_year


class RegisterFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    unit = forms.ModelChoiceField(
        label=_("单位"), queryset=Unit.objects.none(), required=False, empty_label=_("全部")
    )
    department = forms.ModelChoiceField(
        label=_("科室"), queryset=Department.objects.none(), required=False, empty_label=_("全部")
    )

    def __init__(self, user, data=None):
        self.default_year = default_year(user)
        data = data.copy() if data is not None else {}
        data.setdefault("year", self.default_year)
        super().__init__(data)
        self.fields["year"].choices = year_choices(user)
        self.fields["unit"].queryset = scoped(Unit.objects.filter(is_active=True), user)
        self.fields["department"].queryset = scoped(
            Department.objects.filter(is_active=True), user
        ).select_related("unit")
        self.fields["department"].label_from_instance = department_label

    def clean(self):
        data = super().clean()
        unit, department = data.get("unit"), data.get("department")
        if unit and department and department.unit_id != unit.pk:
            self.add_error("department", _("所选科室不属于所选单位。"))
        return data

    def filters(self) -> dict:
        """{year, unit, department} from the valid input; a bad value falls back to its
        default (the latest year, all units, all departments)."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "year": data.get("year") or self.default_year,
            "unit": data.get("unit"),
            "department": data.get("department"),
        }


class RegisterImportForm(forms.Form):
    year = forms.IntegerField(
        label=_("导入年度"),
        min_value=1900,
        max_value=2999,
        help_text=_("文件中的年度列以此为准。"),
    )
    file = forms.FileField(
        label=_("登记表文件（.xlsx）"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

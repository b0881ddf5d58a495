from django import forms
from django.utils.translation import gettext_lazy as _

from lianfang.powers.models import Category


class PowerFilterForm(forms.Form):
    """The portal's filters, shared by the list page and the JSON list."""

    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("权力类别"), required=False, choices=Category.choices)
    department = forms.IntegerField(
        label=_("承办机构"), required=False, min_value=1, max_value=2**63 - 1
    )

    def filters(self) -> dict:
        """The filters that were valid; a bad value is left out, never guessed at."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}

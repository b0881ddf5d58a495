from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .audit import Action
from .models import DictItem


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("全部")), *Action.choices]
    )
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    day_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    day_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=_("对象"), required=False, max_length=100)


class DictItemForm(forms.ModelForm):
    class Meta:
        model = DictItem
        fields = ["code", "label", "sort", "is_active"]


def submit(form, save):
    """Run `save(cleaned_data)` for a valid bound form; a service's errors land on the form.

    Returns what `save` returned, or None when the form or the service refused the input.
    """
    if not form.is_bound or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            form.add_error(None, exc.messages)
        return None

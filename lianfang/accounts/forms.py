from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from lianfang.org.models import Person

from .roles import Role


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("账号"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("密码"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    otp_token = forms.CharField(
        label=_("动态口令"),
        required=False,
        max_length=8,
        help_text=_("已绑定动态口令的账号须填写。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self.user = authenticate(self.request, username=data["username"], password=data["password"])
        if self.user is None:
            raise forms.ValidationError(_("账号或密码错误。"), code="invalid_login")
        if not self.user.is_active:
            raise forms.ValidationError(_("账号已停用。"), code="inactive")
        return data


CURRENT = forms.PasswordInput(attrs={"autocomplete": "current-password"})
NEW = forms.PasswordInput(attrs={"autocomplete": "new-password"})


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("原密码"), widget=CURRENT)
    new_password = forms.CharField(label=_("新密码"), widget=NEW)
    new_password2 = forms.CharField(label=_("确认新密码"), widget=NEW)

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data


class OtpConfirmForm(forms.Form):
    token = forms.CharField(label=_("动态口令"), max_length=8)


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("账号"),
        max_length=150,
        regex=r"^[A-Za-z0-9_.@-]+$",
        error_messages={"invalid": _("账号只能包含字母、数字及 _ . @ -。")},
    )
    full_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    person = forms.ModelChoiceField(
        empty_label=_("不关联（管理员账号）"),
        label=_("对应人员"),
        queryset=Person.objects.none(),
        required=False,
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False)


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class LoginLogFilterForm(forms.Form):
    username = forms.CharField(label=_("账号"), required=False, max_length=150)
    success = forms.ChoiceField(
        label=_("结果"),
        required=False,
        choices=[("", _("全部")), ("1", _("成功")), ("0", _("失败"))],
    )
    ip = forms.CharField(label=_("来源地址"), required=False, max_length=45)

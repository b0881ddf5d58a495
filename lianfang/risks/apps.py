from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "lianfang.risks"
    label = "risks"
    verbose_name = _("廉政风险信息库")

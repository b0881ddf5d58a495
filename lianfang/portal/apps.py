from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "lianfang.portal"
    label = "portal"
    verbose_name = _("权力清单公开")

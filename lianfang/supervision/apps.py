from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "lianfang.supervision"
    label = "supervision"
    verbose_name = _("电子监察")

    def ready(self):
        from . import rules, scores

        rules.check_settings()
        scores.check_settings()

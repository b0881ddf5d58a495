from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.core.audit import verify
from lianfang.core.management.base import Command as BaseCommand
from lianfang.core.models import AuditEntry


class Command(BaseCommand):
    help = gettext_lazy("审计日志：verify 校验哈希链是否完整。")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **options):
        broken = verify()
        if broken is not None:
            raise CommandError(
                _("审计链在第 %(seq)d 条处断开：%(reason)s")
                % {"seq": broken.seq, "reason": broken.reason}
            )
        self.stdout.write(_("审计链完整，共 %(n)d 条。") % {"n": AuditEntry.objects.count()})

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.accounts.models import User
from lianfang.accounts.services import token_create
from lianfang.core.management.base import Command as BaseCommand


class Command(BaseCommand):
    help = gettext_lazy("接口令牌：create USERNAME 为用户签发令牌（只显示一次）。")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, action, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("用户不存在：%(u)s") % {"u": username})
        try:
            token = token_create(actor=None, user=user, name=name)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(token)

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.accounts.roles import Role
from lianfang.accounts.services import user_create
from lianfang.core.management.base import Command as BaseCommand
from lianfang.org.models import Person


class Command(BaseCommand):
    help = gettext_lazy(
        "用户：create USERNAME --role 角色 [--person 人员编号] 新建账号并打印初始密码。"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--role", action="append", default=[], choices=Role.values)
        parser.add_argument("--person", default="", help=gettext_lazy("人员编号"))
        parser.add_argument("--name", default="", help=gettext_lazy("姓名"))

    def handle(self, *args, action, username, role, person, name, **options):
        linked = None
        if person:
            linked = Person.objects.filter(staff_no=person).first()
            if linked is None:
                raise CommandError(_("人员编号不存在：%(no)s") % {"no": person})
        try:
            _user, password = user_create(
                actor=None, username=username, full_name=name, person=linked, roles=role
            )
        except ValidationError as exc:
            raise CommandError(
                "；".join(f"{k}: {'；'.join(v)}" for k, v in exc.message_dict.items())
            ) from exc
        self.stdout.write(
            _("已创建账号 %(u)s，初始密码（首次登录须修改）：%(p)s")
            % {"u": username, "p": password}
        )

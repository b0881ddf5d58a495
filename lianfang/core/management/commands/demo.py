import os

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.accounts.services import random_password
from lianfang.core.management.base import Command as BaseCommand
from lianfang.core.text import join_list
from lianfang.demo import DEMO_USERS, load
from lianfang.org.demo_data import ROOT
from lianfang.org.models import Department, Person, Post, Unit


class Command(BaseCommand):
    help = gettext_lazy(
        "演示数据：执行数据库迁移，并在空数据库中加载演示单位、人员和演示账号。"
        "密码取 --password，其次取环境变量 LIANFANG_DEMO_PASSWORD，否则随机生成并显示一次。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default="", help=_("演示账号的密码。"))

    def handle(self, *args, password, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if Unit.objects.filter(code=ROOT).exists():
            self.stdout.write(_("演示数据已加载，无需重复加载。"))
            return
        if Unit.objects.exists():
            self.stdout.write(
                self.style.WARNING(_("数据库中已有单位数据，演示数据只能加载到空数据库，未加载。"))
            )
            return
        password = password or os.environ.get("LIANFANG_DEMO_PASSWORD", "")
        generated = not password
        if generated:
            password = random_password()
        try:
            password_validation.validate_password(password)
            loaded = load(password=password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if not loaded:
            self.stdout.write(_("演示数据已加载，无需重复加载。"))
            return
        self.stdout.write(
            _(
                "演示数据已加载：%(units)d 个单位、%(departments)d 个内设部门、"
                "%(posts)d 个岗位、%(people)d 名干部职工。"
            )
            % {
                "units": Unit.objects.count(),
                "departments": Department.objects.count(),
                "posts": Post.objects.count(),
                "people": Person.objects.count(),
            }
        )
        self.stdout.write(_("演示账号：%(users)s") % {"users": join_list(DEMO_USERS)})
        if generated:
            self.stdout.write(
                _("演示账号密码：%(password)s（仅显示一次，请妥善保存）") % {"password": password}
            )

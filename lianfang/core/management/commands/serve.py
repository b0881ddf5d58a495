from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from waitress import serve

from lianfang.core.management.base import Command as BaseCommand
from lianfang.wsgi import application


class Command(BaseCommand):
    help = gettext_lazy("用生产级 WSGI 服务器（waitress）运行平台。")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **options):
        self.stdout.write(_("廉防已启动：http://%(host)s:%(port)d/") % {"host": host, "port": port})
        serve(application, host=host, port=port, threads=threads, ident="lianfang")

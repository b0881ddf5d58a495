from django.core.management.base import BaseCommand


class Command(BaseCommand):
    """A command whose `help` may be a lazy translation: argparse needs a plain string, made in
    the language active when the parser is built (`--help` crashed on the lazy proxy)."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

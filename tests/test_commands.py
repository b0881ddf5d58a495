"""The `lianfang` commands as a user meets them first: `--help` prints the translated help."""

import pytest
from django.core.management import ManagementUtility

COMMANDS = ["demo", "serve", "calendar", "audit", "user", "token", "supervise"]


@pytest.mark.parametrize("name", COMMANDS)
def test_it_prints_help_for_each_command(name, capsys):
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["lianfang", name, "--help"]).execute()
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage:") and any("\u4e00" <= c <= "\u9fff" for c in out)

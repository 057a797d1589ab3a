"""makemessages that also collects N_() (gettext_noop), as Django's documentation suggests: the open
API's parameter descriptions are marked with it (api/api.py) and translated when shown."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]

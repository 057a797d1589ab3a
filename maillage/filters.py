"""Reading list filters from a query string: unknown or malformed values are dropped with a notice."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .lookup import Ambiguous, Unknown


@dataclass
class ParsedFilters:
    """Selected values per filter group, plus notices about what was ignored."""

    values: dict = field(default_factory=dict)
    notices: list = field(default_factory=list)

    def get(self, name):
        return self.values.get(name, [])

    def is_active(self):
        return any(self.values.values())

    def query_items(self, without=None):
        """(name, value) pairs for building links; ``without`` drops one group."""
        items = []
        for name, chosen in self.values.items():
            if name == without:
                continue
            items.extend((name, value) for value in chosen)
        return items


def pick(params, name, allowed, label, notices, resolve=None):
    """The values of ``name`` in ``params`` that are in ``allowed``; a notice for the rest.

    ``resolve``: turns a value typed otherwise (a commune's name for its slug) into an allowed one,
    or raises ``maillage.lookup.LookupFailed``; an ambiguous value's notice lists the candidates."""
    chosen = []
    for raw in params.getlist(name):
        value = raw.strip()
        if not value:
            continue
        if value not in allowed and resolve is not None:
            try:
                value = resolve(value)
            except Ambiguous as error:
                notices.append(str(error))
                continue
            except Unknown:
                pass
        if value in allowed:
            if value not in chosen:
                chosen.append(value)
        else:
            notices.append(
                _("The filter %(label)s has no value “%(value)s”; it was ignored.")
                % {"label": label, "value": value[:60]}
            )
    return chosen

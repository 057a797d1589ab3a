"""An event's price is a field per language now (``agenda.fields.EVENT``: price_fr, price_nl,
price_en). Open proposals that still hold one ``price`` get it in their own language, the one their
author wrote in (what applying them wrote before: the language then active)."""

from django.db import migrations

LANGS = ("fr", "nl", "en")
OPEN = ("unconfirmed", "pending")


def price_in_its_language(apps, schema_editor):
    Proposal = apps.get_model("proposals", "Proposal")
    for proposal in Proposal.objects.filter(kind__in=("new_event", "change_event"), status__in=OPEN).iterator():
        lang = proposal.language if proposal.language in LANGS else LANGS[0]
        changed = False
        for name in ("data", "base"):
            values = getattr(proposal, name) or {}
            if "price" in values:
                price = values.pop("price")
                values.setdefault(f"price_{lang}", price)
                setattr(proposal, name, values)
                changed = True
        if changed:
            proposal.save(update_fields=["data", "base"])


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]

    operations = [migrations.RunPython(price_in_its_language, migrations.RunPython.noop)]

"""Version 1 of the charter, written from the 2017 meeting of the citizen initiatives, which
asked for "a charter, to share a common line of conduct" and a "watch and update" working group."""

from django.db import migrations
from django.utils import timezone

TEXT = {
    "fr": """## Pourquoi une charte

Maillage est l'annuaire partagé des initiatives citoyennes, des associations et des services de Bruxelles. Les initiatives elles-mêmes l'ont demandé en 2017 : un seul endroit pour se trouver, tenu à jour par celles et ceux qui connaissent le terrain. Cette charte est notre ligne de conduite commune.

## Ce que nous publions

- Des initiatives, associations, services, événements et projets au service du bien commun à Bruxelles.
- Des informations exactes : ce que vous faites, où, quand, pour qui, et comment vous joindre.
- Pas de publicité ni d'offre commerciale.
- Rien de haineux, de discriminatoire, de violent ou d'illégal.

## Comment nous publions

- Respect : parlez des autres comme vous aimeriez qu'on parle de vous. Proposez les corrections avec bienveillance.
- Exactitude : publiez ce que vous savez vrai, et signalez ce qui a changé.
- Tenez vos propres fiches à jour : vérifiez-les quand Maillage vous le demande, et archivez ce qui s'est arrêté.
- Ne publiez que vos propres informations ou des informations publiques. Une personne de contact n'apparaît qu'avec son accord.
- Coopérez plutôt que de vous faire concurrence : citez vos partenaires, annoncez une seule fois un événement commun.
- Écrivez simplement, pour que tout le monde puisse lire : phrases courtes, mots de tous les jours. Tout le monde n'est pas à l'aise avec l'informatique : aidez celles et ceux qui le sont moins.

## Qui veille

Le groupe « veille et mise à jour », des bénévoles du réseau, relit les propositions, modère, et peut corriger ou archiver une fiche qui ne respecte pas cette charte. Chaque modification est conservée : rien ne se perd. Si vous n'êtes pas d'accord avec une décision, écrivez-leur.

## Quand la charte change

La charte peut évoluer. Nous vous demanderons d'accepter chaque nouvelle version avant de publier à nouveau.""",
    "nl": """## Waarom een charter

Maillage is de gedeelde gids van de burgerinitiatieven, verenigingen en diensten van Brussel. De initiatieven vroegen er zelf om in 2017: één plek om elkaar te vinden, bijgehouden door wie het terrein het best kent. Dit charter is onze gemeenschappelijke gedragslijn.

## Wat we publiceren

- Initiatieven, verenigingen, diensten, activiteiten en projecten die het algemeen belang in Brussel dienen.
- Juiste informatie: wat u doet, waar, wanneer, voor wie, en hoe men u kan bereiken.
- Geen reclame en geen commercieel aanbod.
- Niets haatdragends, discriminerends, gewelddadigs of onwettigs.

## Hoe we publiceren

- Respect: spreek over anderen zoals u wilt dat men over u spreekt. Stel verbeteringen vriendelijk voor.
- Juistheid: publiceer wat u weet dat klopt, en meld wat veranderd is.
- Houd uw eigen fiches bij: controleer ze wanneer Maillage erom vraagt, en archiveer wat gestopt is.
- Publiceer alleen uw eigen gegevens of openbare informatie. Een contactpersoon verschijnt alleen met zijn of haar toestemming.
- Werk samen in plaats van te concurreren: vermeld uw partners, kondig een gezamenlijke activiteit één keer aan.
- Schrijf eenvoudig, zodat iedereen kan lezen: korte zinnen, gewone woorden. Niet iedereen is vertrouwd met computers: help wie dat minder is.

## Wie waakt

De werkgroep "opvolging en bijwerking", vrijwilligers uit het netwerk, leest de voorstellen na, modereert, en kan een fiche verbeteren of archiveren die dit charter niet respecteert. Elke wijziging wordt bewaard: niets gaat verloren. Bent u het niet eens met een beslissing, schrijf hen dan.

## Als het charter verandert

Het charter kan evolueren. We vragen u elke nieuwe versie te aanvaarden voordat u opnieuw publiceert.""",
    "en": """## Why a charter

Maillage is the shared directory of the citizen initiatives, associations and services of Brussels. The initiatives themselves asked for it in 2017: one place to find each other, kept up to date by the people who know the field best. This charter is our common line of conduct.

## What we publish

- Initiatives, associations, services, events and projects that serve the common good in Brussels.
- Accurate information: what you do, where, when, for whom, and how to reach you.
- No advertising and no commercial offers.
- Nothing hateful, discriminatory, violent or illegal.

## How we publish

- Respect: speak of others as you would like them to speak of you. Suggest corrections kindly.
- Accuracy: publish what you know to be true, and say when something has changed.
- Keep your own entries up to date: check them when Maillage asks you to, and archive what has stopped.
- Publish only your own information or public information. A contact person appears only with their consent.
- Cooperate rather than compete: mention your partners, announce a shared event only once.
- Write simply, so that everyone can read: short sentences, everyday words. Not everyone is at ease with computers: help those who are less so.

## Who watches

The "watch and update" group, volunteers from the network, reads the proposals, moderates, and may correct or archive an entry that does not respect this charter. Every change is kept: nothing is lost. If you disagree with a decision, write to them.

## When the charter changes

The charter may change. We will ask you to accept each new version before you publish again.""",
}
SUMMARY = {"fr": "Première version", "nl": "Eerste versie", "en": "First version"}


def create(apps, schema_editor):
    CharterVersion = apps.get_model("charter", "CharterVersion")
    HistoricalCharterVersion = apps.get_model("charter", "HistoricalCharterVersion")
    if CharterVersion.objects.exists():
        return
    now = timezone.now()
    fields = {"text": TEXT["fr"], "summary": SUMMARY["fr"], "published_at": now}
    for lang in ("fr", "nl", "en"):
        fields[f"text_{lang}"] = TEXT[lang]
        fields[f"summary_{lang}"] = SUMMARY[lang]
    version = CharterVersion.objects.create(**fields)
    HistoricalCharterVersion.objects.create(
        id=version.pk,
        created=version.created,
        history_date=now,
        history_type="+",
        history_change_reason="First version",
        **fields,
    )


def remove(apps, schema_editor):
    apps.get_model("charter", "HistoricalCharterVersion").objects.all().delete()
    apps.get_model("charter", "CharterVersion").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("charter", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]

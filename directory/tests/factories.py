import factory

from directory import services
from directory.models import Actor, Audience, Language, Place, Theme
from maillage import changes
from territory.tests.factories import CommuneFactory


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name_fr = factory.Sequence(lambda n: f"Thème {n}")
    name_nl = factory.Sequence(lambda n: f"Thema {n}")
    pictogram = "🏠"


class AudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audience
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"audience-{n}")
    name_fr = factory.Sequence(lambda n: f"Public {n}")


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"l{n}")
    name_fr = factory.Sequence(lambda n: f"Langue {n}")


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name_fr = "Maison de quartier"
    street = factory.Sequence(lambda n: f"Rue de l'Exemple {n}")
    postcode = "1000"
    commune = factory.SubFactory(CommuneFactory)
    lat = 50.85
    lon = 4.35


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor
        skip_postgeneration_save = True

    @classmethod
    def _generate(cls, strategy, params):
        # An actor made for a test is one change set, like one written by its owner (its row and
        # links then read as one version in the history).
        if strategy != factory.enums.CREATE_STRATEGY:
            return super()._generate(strategy, params)
        with changes.recording(source=changes.Source.SYSTEM):
            return super()._generate(strategy, params)

    slug = factory.Sequence(lambda n: f"actor-{n}")
    name_fr = factory.Sequence(lambda n: f"Association {n}")
    kind = Actor.Kind.ASSOCIATION
    description_fr = "Une association de quartier."
    commune = factory.SubFactory(CommuneFactory)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if create and extracted:
            self.languages.set(extracted)

    @factory.post_generation
    def audiences(self, create, extracted, **kwargs):
        if create and extracted:
            self.audiences.set(extracted)

    @factory.post_generation
    def places(self, create, extracted, **kwargs):
        if create and extracted:
            self.places.set(extracted)

    @factory.post_generation
    def refreshed(self, create, extracted, **kwargs):
        if create:
            services.refresh_actor(self)

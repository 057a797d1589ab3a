import factory

from territory.models import Commune, Region


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)

    slug = "brussels"
    name_fr = "Région de Bruxelles-Capitale"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("nis_code",)

    region = factory.SubFactory(RegionFactory)
    nis_code = factory.Sequence(lambda n: f"9{n:04d}")
    slug = factory.Sequence(lambda n: f"commune-{n}")
    name_fr = factory.Sequence(lambda n: f"Commune {n}")
    name_nl = factory.Sequence(lambda n: f"Gemeente {n}")
    lat = 50.85
    lon = 4.35

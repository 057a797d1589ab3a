import datetime as dt

import factory
from django.utils import timezone

from agenda import services
from agenda.models import Event


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"event-{n}")
    title_fr = factory.Sequence(lambda n: f"Rencontre {n}")
    description_fr = "Une rencontre ouverte à tous."
    start = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + dt.timedelta(days=3))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=2))

    @factory.post_generation
    def organisers(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisers.set(extracted)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def expanded(self, create, extracted, **kwargs):
        if create:
            services.after_change(self)

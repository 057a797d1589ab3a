import datetime as dt

import factory

from projects import services
from projects.models import Participation, Phase, Project, Update


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"project-{n}")
    title_fr = factory.Sequence(lambda n: f"Projet {n}")
    summary_fr = "Mutualiser des ressources entre associations."
    start_date = dt.date(2022, 1, 1)

    @factory.post_generation
    def refreshed(self, create, extracted, **kwargs):
        if create:
            services.refresh_search(self)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    project = factory.SubFactory(ProjectFactory)
    actor = factory.SubFactory("directory.tests.factories.ActorFactory")
    role = Participation.Role.LEAD


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    project = factory.SubFactory(ProjectFactory)
    title_fr = factory.Sequence(lambda n: f"Étape {n}")
    start_date = dt.date(2022, 3, 1)
    questions_fr = "Comment partager un bâtiment ?\nQui décide ?"
    deliverables_fr = "Une carte des ressources"


class UpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Update

    project = factory.SubFactory(ProjectFactory)
    date = dt.date(2023, 5, 1)
    title_fr = "Nouvelle étape"
    body_fr = "Le groupe s'est réuni."

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.models import MODERATORS_GROUP, Claim, Editorship, Invitation
from directory.tests.factories import ActorFactory

PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    """A user who can sign in: a verified primary email address and ``PASSWORD``."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class ModeratorFactory(UserFactory):
    @factory.post_generation
    def moderator(self, create, extracted, **kwargs):
        if create:
            group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
            self.groups.add(group)


class EditorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Editorship

    user = factory.SubFactory(UserFactory)
    actor = factory.SubFactory(ActorFactory)
    via = Editorship.Via.ADMIN


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    user = factory.SubFactory(UserFactory)
    actor = factory.SubFactory(ActorFactory)
    message = "Je coordonne les bénévoles."


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation from an editor of the actor (``inviter_edits=False``: from anybody)."""

    class Meta:
        model = Invitation
        skip_postgeneration_save = True

    actor = factory.SubFactory(ActorFactory)
    email = factory.Sequence(lambda n: f"colleague{n}@example.org")
    invited_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def inviter_edits(self, create, extracted, **kwargs):
        if create and extracted is not False:
            Editorship.objects.get_or_create(
                user=self.invited_by, actor=self.actor, defaults={"via": Editorship.Via.ADMIN}
            )

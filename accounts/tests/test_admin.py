import pytest
from django.urls import reverse

from accounts.models import Claim, Editorship

from .factories import ClaimFactory, EditorshipFactory, InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["editorship", "claim", "invitation", "profile"])
def test_admin_lists_load(admin_client, model):
    EditorshipFactory()
    ClaimFactory()
    InvitationFactory()
    assert admin_client.get(reverse(f"admin:accounts_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:accounts_{model}_add")).status_code == 200


def test_admin_action_accepts_claims_through_the_service(admin_client):
    claim = ClaimFactory()
    response = admin_client.post(
        reverse("admin:accounts_claim_changelist"), {"action": "accept", "_selected_action": [claim.pk]}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.ACCEPTED
    assert Editorship.objects.filter(user=claim.user, actor=claim.actor).exists()

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Claim, Editorship, Invitation, Profile


@admin.register(Editorship)
class EditorshipAdmin(admin.ModelAdmin):
    list_display = ("user", "actor", "via", "created")
    list_filter = ("via",)
    search_fields = ("user__email", "actor__name_fr", "actor__slug")
    autocomplete_fields = ("user", "actor")
    list_select_related = ("user", "actor")


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("user", "actor", "status", "created", "decided_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("user__email", "actor__name_fr", "actor__slug")
    autocomplete_fields = ("user", "actor")
    readonly_fields = ("status", "created", "decided_at", "decided_by")
    list_select_related = ("user", "actor", "decided_by")
    actions = ["accept"]

    @admin.action(description=_("Accept the selected pending claims"))
    def accept(self, request, queryset):
        accepted = 0
        for claim in queryset.filter(status=Claim.Status.PENDING):
            services.accept_claim(claim, by=request.user)
            accepted += 1
        self.message_user(request, _("%(count)d claims accepted.") % {"count": accepted}, messages.SUCCESS)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "actor", "invited_by", "created", "accepted_at", "accepted_by")
    search_fields = ("email", "actor__name_fr", "invited_by__email")
    autocomplete_fields = ("actor", "invited_by")
    readonly_fields = ("created", "accepted_at", "accepted_by")
    list_select_related = ("actor", "invited_by", "accepted_by")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "display_name", "language")
    list_filter = ("language",)
    search_fields = ("user__email", "display_name")
    autocomplete_fields = ("user",)

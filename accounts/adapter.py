"""allauth's emails go through the task queue like every other email; new accounts get a profile
in the language they signed up in."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation

from maillage.mail import deliver


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        context = {"SITE_NAME": settings.SITE_NAME, **context}
        message = self.render_mail(template_prefix, email, context)
        html = None
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        deliver.enqueue(subject=message.subject, body=message.body, to=list(message.to), html=html)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from .models import Profile

            language = translation.get_language() or settings.LANGUAGE_CODE
            if language not in dict(settings.LANGUAGES):
                language = settings.LANGUAGE_CODE
            Profile.objects.get_or_create(user=user, defaults={"language": language})
        return user

"""allauth's emails go through the task queue like every other email."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

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

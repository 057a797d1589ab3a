"""Outgoing email goes through the task queue, so a slow mail server never slows a page."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def deliver(subject, body, to, html=None, reply_to=None):
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to, reply_to=reply_to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def send(to, template, context, *, lang=None, reply_to=None):
    """Render ``<template>_subject.txt`` and ``<template>.txt`` in ``lang`` and queue the message."""
    if isinstance(to, str):
        to = [to]
    with translation.override(lang or translation.get_language() or settings.LANGUAGE_CODE):
        context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    deliver.enqueue(subject=subject, body=body, to=list(to), reply_to=reply_to)

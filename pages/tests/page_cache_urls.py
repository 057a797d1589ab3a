"""Public pages that must never be stored (``test_page_cache``): one sets a cookie, one leaves a
message for the next page, one holds a form with the visitor's CSRF token; and one plain page that
is."""

from django.contrib import messages
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from maillage.pagecache import public_page


def sets_a_cookie(request):
    response = HttpResponse("<p>Bienvenue</p>")
    response.set_cookie("seen", "1")
    return response


def adds_a_message(request):
    messages.info(request, "Merci !")
    return HttpResponse("<p>Envoyé</p>")


def form_with_token(request):
    template = engines["django"].from_string('<form method="post">{% csrf_token %}</form>')
    return HttpResponse(template.render({}, request))


def plain(request):
    return HttpResponse("<p>Bonjour</p>")


urlpatterns = [
    path("sets-a-cookie/", public_page(sets_a_cookie)),
    path("adds-a-message/", public_page(adds_a_message)),
    path("form/", public_page(form_with_token)),
    path("plain/", public_page(plain)),
]

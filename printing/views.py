"""The "Print" pages: choosing a document, getting it (at once, or after a live status), its file.

Everything is GET: a document is read, never written by the visitor (the printout rows are a cache).
Views are thin: ``printing.services`` decides what is produced, when and where.
"""

from functools import wraps

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.permissions import can_moderate
from directory.services import vocabularies
from maillage.params import InvalidParam, read_real_number

from . import forms, services
from .languages import default_lang
from .models import Printout
from .query import DirectoryQuery


def _not_for_robots(view):
    """Documents are made on demand (a GET may typeset one): search engines neither follow nor
    index them (``X-Robots-Tag``; robots.txt and rel="nofollow" on the links say it too)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def _deliver(request, kind, params):
    """The PDF at once when it is ready (or small enough to make now), else its status page."""
    try:
        printout = services.printout_for(kind, params, request.user, request=request)
    except services.RateLimited:
        return render(request, "printing/limited.html", status=429)
    if services.is_ready(printout):
        return _file_response(printout)
    return redirect("printing:status", key=printout.key)


def _file_response(printout):
    response = FileResponse(
        services.file_path(printout).open("rb"),
        content_type="application/pdf",
        filename=services.download_name(printout),
        as_attachment=False,
    )
    # The key names one document for good: browsers may keep it.
    response["Cache-Control"] = "max-age=3600"
    return response


def _degrees(params, name, limit):
    """A latitude or longitude from the map's link, or None: the form keeps it in a hidden field,
    where an error could not be put right."""
    try:
        return read_real_number(params.get(name), name=name, low=-limit, high=limit)
    except InvalidParam:
        return None


def _first(values):
    return (values or [""])[0]


@require_GET
def index(request):
    """Three forms, prefilled from the directory's (or the agenda's) filters when linked from there."""
    vocab = vocabularies()
    query = DirectoryQuery.from_params(request.GET, vocab=vocab)
    commune, theme = _first(query.communes), _first(query.themes)
    context = {
        "directory_form": forms.DirectoryForm.of(query, vocab=vocab),
        "hidden_filters": query.hidden_items(),
        "handout_form": forms.HandoutForm(initial={"commune": commune}, vocab=vocab),
        "poster_form": forms.PosterForm(initial={"commune": commune, "theme": theme}, vocab=vocab),
    }
    context["need_options"] = context["handout_form"].need_options()
    return render(request, "printing/index.html", context)


@require_GET
@_not_for_robots
def directory(request):
    """The directory of the directory page's filters (commune, theme, kind, language, audience,
    venue, status, q), grouped (group), in a language (lang), in large print (large)."""
    if not request.GET:  # nothing chosen (a typed address, a robot): the form, not the whole region
        return redirect(reverse("printing:index") + "#print-directory-title")
    query = DirectoryQuery.from_params(request.GET)
    return _deliver(request, Printout.Kind.DIRECTORY, query.to_params())


def _bound_data(params, defaults):
    data = params.copy()
    for name, value in defaults.items():
        if not data.get(name):
            data[name] = value
    return data


@require_GET
@_not_for_robots
def handout(request):
    """The handout form; once sent and valid, the handout itself."""
    params = request.GET
    if "address" in params or "needs" in params or "words" in params:
        form = forms.HandoutForm(_bound_data(params, {"lang": default_lang()}))
        if form.is_valid():
            return _deliver(request, Printout.Kind.HANDOUT, form.params)
    else:  # from the map: its commune (and centre) chosen, the needs still to tick
        vocab = vocabularies()
        form = forms.HandoutForm(
            vocab=vocab,
            initial={
                "commune": _first(DirectoryQuery.from_params(params, vocab=vocab).communes),
                "lat": _degrees(params, "lat", 90),
                "lon": _degrees(params, "lon", 180),
            },
        )
    status = 400 if form.is_bound else 200
    return render(request, "printing/handout.html", {"form": form, "need_options": form.need_options()}, status=status)


@require_GET
@_not_for_robots
def poster(request):
    """The poster form; once sent with a month, the poster itself (linked from the agenda's month)."""
    params = request.GET
    if "month" in params:
        form = forms.PosterForm(_bound_data(params, {"lang": default_lang(), "paper": "a4"}))
        if form.is_valid():
            return _deliver(request, Printout.Kind.POSTER, form.params)
    else:
        vocab = vocabularies()
        query = DirectoryQuery.from_params(params, vocab=vocab)
        form = forms.PosterForm(initial={"commune": _first(query.communes), "theme": _first(query.themes)}, vocab=vocab)
    return render(request, "printing/poster.html", {"form": form}, status=400 if form.is_bound else 200)


@require_GET
@_not_for_robots
def status(request, key):
    """A printout's live status (polled every second with htmx; a Refresh link without JS)."""
    printout = get_object_or_404(Printout, key=key)
    busy = services.is_busy(printout)
    ready = services.is_ready(printout)
    if request.GET.get("retry") and not busy and not ready:  # failed, its file gone, or its job stopped
        try:
            again = services.retry(printout, request.user, request=request)
        except services.RateLimited:
            return render(request, "printing/limited.html", status=429)
        return redirect("printing:status", key=again.key)
    if busy:
        printout.done, printout.total = services.live_progress(printout)
    context = {
        "printout": printout,
        "busy": busy,
        "ready": ready,
        "percent": services.percent(printout.done, printout.total),
        "file_url": reverse("printing:file", kwargs={"key": printout.key}) if ready else "",
        "file_name": services.download_name(printout),
        # What went wrong is for the team (the typesetter's messages, in English): not for visitors.
        "show_error": printout.status == Printout.Status.FAILED and can_moderate(request.user),
    }
    if request.htmx and request.GET.get("fragment") == "status":
        return render(request, "printing/_status.html", context)
    return render(request, "printing/status.html", context)


@require_GET
@_not_for_robots
def file(request, key):
    printout = Printout.objects.filter(key=key).first()
    if printout is None or not services.is_ready(printout):
        raise Http404("No such document.")
    return _file_response(printout)

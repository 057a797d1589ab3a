"""History pages: versions of an object, revert, archive and restore (thin: they call services).

All are the moderators' (versions may hold personal data, such as contact persons without
consent): visitors are sent to the login page, signed-in users without the right get a 403.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import moderator_required

from . import services


def _kind_and_object(kind_name, pk, *, archivable=False):
    kind = services.kind_for(kind_name)
    if kind is None or (archivable and not kind.archivable):
        raise Http404(_("Nothing has this address."))
    try:
        return kind, services.get_object(kind, pk)
    except kind.model.DoesNotExist:
        raise Http404(_("Nothing has this address.")) from None


def _versions_url(kind, obj):
    return reverse("history:versions", args=[kind.name, obj.pk])


@require_GET
@moderator_required
def versions(request, kind, pk):
    kind, obj = _kind_and_object(kind, pk)
    page, total = services.versions_page(kind, obj.pk, request.GET.get("page"))
    parent = services.parent_of(kind, obj)
    return render(
        request,
        "history/versions.html",
        {
            "kind": kind,
            "object": obj,
            "page": page,
            "total": total,
            "children": services.children(kind, obj),
            "parent": parent,
        },
    )


@require_http_methods(["GET", "POST"])
@moderator_required
def revert(request, kind, pk, history_id):
    """GET: what the revert will change; POST: revert, as a new version."""
    kind, obj = _kind_and_object(kind, pk)
    target, current = services.find_version(kind, obj.pk, history_id)
    if target is None:
        raise Http404(_("This version does not exist."))
    if target is current:
        messages.info(request, _("This is already the current version."))
        return redirect(_versions_url(kind, obj))
    error = None
    if request.method == "POST":
        try:
            services.revert(kind, obj, target, request.user)
        except (ValidationError, IntegrityError) as exc:
            messages_ = getattr(exc, "messages", None) or [str(exc)]
            error = _("This version cannot be restored as it is: %(errors)s") % {"errors": " ".join(messages_)}
        else:
            messages.success(
                request,
                _("“%(name)s” is back to its version of %(date)s.")
                % {
                    "name": obj,
                    "date": services.date_label(target.date),
                },
            )
            return redirect(_versions_url(kind, obj))
    return render(
        request,
        "history/revert.html",
        {
            "kind": kind,
            "object": obj,
            "version": target,
            "changes": services.revert_preview(kind, target, current),
            "parts": services.revert_parts_preview(kind, target),
            "error": error,
        },
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
@moderator_required
def archive(request, kind, pk):
    """GET: a confirmation page; POST: archive."""
    kind, obj = _kind_and_object(kind, pk, archivable=True)
    if request.method == "GET":
        return render(request, "history/archive.html", {"kind": kind, "object": obj})
    services.archive(obj, request.user)
    messages.success(
        request, _("“%(name)s” is archived: it no longer appears on the site. It can be restored.") % {"name": obj}
    )
    return redirect(_versions_url(kind, obj))


@require_POST
@moderator_required
def restore(request, kind, pk):
    kind, obj = _kind_and_object(kind, pk, archivable=True)
    services.restore(obj, request.user)
    messages.success(request, _("“%(name)s” is restored and public again.") % {"name": obj})
    return redirect(obj.get_absolute_url())


@require_GET
@moderator_required
def archived(request):
    return render(request, "history/archived.html", {"sections": services.archived_objects()})

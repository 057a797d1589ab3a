from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import moderator_required
from directory.models import Actor
from maillage import pagination

from . import services
from .forms import MergeForm
from .models import Merge

PAIRS_PER_PAGE = 20


@require_GET
@moderator_required
def index(request):
    notices = []
    page = pagination.page_of_request(request.GET, services.probable_pairs(), PAIRS_PER_PAGE, notices)
    context = {
        "page": page,
        "pairs": services.with_actors(page.object_list),
        "merges": services.recent_merges(),
        "notices": notices,
        "query": [],
    }
    return render(request, "merges/index.html", context)


@require_http_methods(["GET", "POST"])
@moderator_required
def compare(request, kept, other):
    kept = get_object_or_404(Actor, slug=kept)
    other = get_object_or_404(Actor, slug=other)
    errors = []
    if kept.pk == other.pk:
        errors.append(_("An entry cannot be merged with itself."))
    form = MergeForm(request.POST or None, kept=kept, other=other)
    if request.method == "POST" and request.POST.get("action") == "merge" and not errors:
        try:
            if not form.is_valid():
                raise ValidationError(_("Please correct the errors below."))
            services.merge(kept, other, form.choices(), request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            errors.extend(error.messages)
        else:
            messages.success(
                request,
                _("“%(other)s” is merged into “%(kept)s” and archived. The merge can be undone below.")
                % {"other": other, "kept": kept},
            )
            return redirect("merges:index")
    shown = form.shown_choices()
    context = {
        "kept": kept,
        "other": other,
        "form": form,
        "rows": services.comparison(kept, other, shown),
        "links": services.united_links(kept, other),
        "moving": services.links_to_move(other),
        "proposals": services.other_proposals(other),
        "errors": errors,
    }
    return render(request, "merges/compare.html", context, status=400 if errors else 200)


@require_POST
@moderator_required
def undo(request, pk):
    merge = get_object_or_404(Merge, pk=pk)
    try:
        services.undo(merge, request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The merge is undone: “%(other)s” is back as it was.") % {"other": merge.other})
    return redirect("merges:index")

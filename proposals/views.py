"""Contribution pages (anyone) and the moderation queue (the watch group). Thin: they call
``proposals.services``."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import permissions
from charter import services as charter_services
from directory.duplicates import REASON_LABELS
from directory.models import Actor
from maillage import pagination, richtext

from . import entries, forms, services
from .models import Proposal

QUEUE_PAGE_SIZE = 50


def _charter_for(user):
    """The current charter (read once per request) and whether ``user`` must accept it first."""
    charter = charter_services.current()
    return charter, charter is not None and charter_services.needs_acceptance(user, charter)


def _target(kind, slug):
    model = entries.TARGET_MODELS.get(kind)
    if model is None:
        raise Http404
    return get_object_or_404(model, slug=slug)


def _submit(request, form, kind, *, charter, target=None, base=None, data=None):
    """Shared end of every proposal form: spam trap, rate limit, charter, files, then the service.
    ``data``: the values to send when they are not the form's own (conflicts settled)."""
    if form.is_spam():
        # Robots get the same answer as people, and nothing is stored.
        return redirect("proposals:sent", submission=form.cleaned_data["submission"])
    if not request.user.is_authenticated and services.rate_limited(request):
        messages.error(request, _("Too many proposals from your connection: please try again in an hour."))
        return None
    if form.needs_charter and request.user.is_authenticated:
        charter_services.record_acceptance(request.user, charter)
    contributor = form.contributor()
    data = form.store_files(form.to_data() if data is None else data)
    try:
        proposal = services.submit(
            kind,
            data,
            user=request.user,
            target=target,
            base=base,
            is_member=bool(form.cleaned_data.get("is_member")),
            charter_version=charter.pk if charter else None,
            **contributor,
        )
    except services.ProposalError as error:
        # An editor's change that the entry refuses: nothing is stored, the form shows why.
        form.discard_files()
        form.add_error(None, str(error))
        return None
    if proposal.status == Proposal.Status.PUBLISHED and proposal.target_id:
        messages.success(request, _("Published. Thank you!"))
        waiting = getattr(proposal, "organisers_waiting", None)
        if waiting is not None:  # other actors named or removed as organisers: their part waits
            messages.info(request, waiting.message)
        return redirect(proposal.target.get_absolute_url())
    return redirect("proposals:sent", submission=proposal.submission)


def _form_page(request, template, form, *, proposal_kind, current=None, base=None, data=None, **context):
    """The form, and above it a preview of what would be published when "Preview" was pressed
    (``data`` changing ``base``, what the form started from, shown over ``current``)."""
    preview = None
    if request.method == "POST" and "preview" in request.POST and form.is_valid():
        current = current or {}
        data = form.to_data() if data is None else data
        rows = entries.diff(proposal_kind, data, current if base is None else base, current)
        preview = [row for row in rows if row.proposed not in ("", None)]
    return render(request, template, {"form": form, "preview": preview, **context})


def contribute(request):
    return render(request, "proposals/contribute.html", {})


def how_to_publish(request):
    return render(request, "proposals/how_to_publish.html", {})


def new(request, kind):
    if kind not in ("actor", "event"):
        raise Http404
    form_class = forms.FORMS[kind]
    charter, needs_charter = _charter_for(request.user)
    options = {"user": request.user, "needs_charter": needs_charter}
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **options)
        if form.is_valid() and "preview" not in request.POST:
            response = _submit(request, form, f"new_{kind}", charter=charter)
            if response is not None:
                return response
        organisers = getattr(form, "cleaned_data", {}).get("organisers") or []
    else:
        initial, organisers = {}, []
        organiser = request.GET.get("organiser")
        if kind == "event" and organiser:
            found = Actor.objects.filter(slug=organiser).values_list("slug", "name_fr").first()
            initial["organiser_names"] = found[1] if found else ""
            organisers = [found[0]] if found else []
        form = form_class(initial=initial, **options)
    # Whether "Send" publishes at once: for an event, it depends on its organisers.
    can_edit = services.may_publish(request.user, f"new_{kind}", None, {"organisers": organisers})
    return _form_page(request, "proposals/new.html", form, proposal_kind=f"new_{kind}", kind=kind, can_edit=can_edit)


def _initial(kind, values):
    return forms.EventForm.initial_from(values) if kind == "event" else dict(values)


def _conflict_rows(kind, found, data):
    """(name, label, their value, the current value) of each field in conflict, as text."""
    fields = {field.name: field for field in entries.fields_for(f"change_{kind}")}
    show = entries.display_values(list(fields.values()), data, found)

    def text(field, value):
        value = show(field, value)
        return richtext.plain(value) if field.type == "rich" else str(value)

    return [
        (name, str(fields[name].label), text(fields[name], data.get(name)), text(fields[name], now))
        for name, now in found.items()
    ]


def _settle_conflicts(request, kind, target, data, start, current):
    """(values to send, conflict form to show or None, whether they may be sent).

    A field the person changed that someone else changed meanwhile to another value is a conflict:
    the form shows both values and nothing is sent until the person chooses. A choice holds while
    the current values are those they chose against (signed in the form).
    """
    found = services.conflicts(data, start, current)
    if not found:
        return data, None, True
    rows = _conflict_rows(kind, found, data)
    user = request.user
    seen = services.read_values(request.POST.get("conflict-seen"), target, user, purpose="conflicts") or {}
    if all(name in seen and entries.same_value(seen[name], now) for name, now in found.items()):
        form = forms.ConflictForm(request.POST, rows=rows)
        if form.is_valid():
            return services.keep_current(data, start, form.kept_current()), form, True
        return data, form, False
    seen = services.sign_values(found, target, user, purpose="conflicts")
    return data, forms.ConflictForm(rows=rows, initial={"seen": seen}), False


def change(request, kind, slug):
    """Suggest a change (or publish it, for the entry's editors), from the values shown in the form:
    they are carried in it, signed, so only what the person changed is applied."""
    target = _target(kind, slug)
    form_class = forms.FORMS[kind]
    user = request.user
    current = services.starting_point(target, user)
    start, starting_point = current, services.sign_starting_point(current, target, user)
    can_edit = services.may_publish(user, f"change_{kind}", target, {})
    charter, needs_charter = _charter_for(user)
    options = {"user": user, "needs_charter": needs_charter}
    if kind == "actor":
        options["change"] = True
    data, conflict_form = None, None
    if request.method == "POST":
        posted = request.POST.get("starting_point")
        # Absent from a form shown before starting points were carried: it starts from now.
        signed = services.read_starting_point(posted, target, user) if posted else None
        if signed is not None:
            start, starting_point = signed, posted
        form = form_class(request.POST, request.FILES, initial=_initial(kind, start), **options)
        if posted and signed is None:
            form.add_error(
                None,
                _(
                    "This form could not be read as it was sent. Here is what you typed: compare it "
                    "with the page as it is now, then send it again."
                ),
            )
        if form.is_valid():
            data, conflict_form, settled = _settle_conflicts(request, kind, target, form.to_data(), start, current)
            if settled and "preview" not in request.POST:
                response = _submit(
                    request, form, f"change_{kind}", charter=charter, target=target, base=start, data=data
                )
                if response is not None:
                    return response
    else:
        form = form_class(initial=_initial(kind, start), **options)
    if services.withheld_fields(user, target) and "contact_name" in form.fields:
        form.fields["contact_name"].help_text = _(
            "Not shown to you: this person did not agree to be shown publicly. Leave these fields "
            "empty to keep them as they are; fill them in to propose another contact person."
        )
    return _form_page(
        request,
        "proposals/change.html",
        form,
        proposal_kind=f"change_{kind}",
        current=current,
        base=start,
        data=data,
        kind=kind,
        target=target,
        can_edit=can_edit,
        starting_point=starting_point,
        conflict_form=conflict_form,
    )


def report(request, kind, slug):
    target = _target(kind, slug)
    options = {"user": request.user, "needs_charter": False}
    if request.method == "POST":
        form = forms.ProblemForm(request.POST, **options)
        if form.is_valid():
            charter = charter_services.current()
            response = _submit(request, form, Proposal.Kind.PROBLEM, charter=charter, target=target)
            if response is not None:
                return response
    else:
        form = forms.ProblemForm(**options)
    return render(request, "proposals/report.html", {"form": form, "target": target, "kind": kind})


def project_update(request, slug):
    project = _target("project", slug)
    charter, needs_charter = _charter_for(request.user)
    options = {"user": request.user, "needs_charter": needs_charter}
    if request.method == "POST":
        form = forms.UpdateForm(request.POST, **options)
        if form.is_valid() and "preview" not in request.POST:
            response = _submit(request, form, Proposal.Kind.PROJECT_UPDATE, charter=charter, target=project)
            if response is not None:
                return response
    else:
        form = forms.UpdateForm(**options)
    return _form_page(
        request,
        "proposals/project_update.html",
        form,
        proposal_kind=Proposal.Kind.PROJECT_UPDATE,
        target=project,
        can_edit=services.may_publish(request.user, Proposal.Kind.PROJECT_UPDATE, project, {}),
    )


def sent(request, submission):
    proposal = Proposal.objects.filter(submission=submission).first()
    return render(request, "proposals/sent.html", {"proposal": proposal})


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The link of the confirmation email: GET shows a button (mail scanners open links), POST confirms."""
    if request.method == "GET":
        proposal = services.proposal_for_token(token)
        if proposal is not None and proposal.status == Proposal.Status.UNCONFIRMED:
            return render(request, "proposals/confirm.html", {"proposal": proposal})
    else:
        proposal = services.confirm(token)
    return render(request, "proposals/confirmed.html", {"proposal": proposal}, status=200 if proposal else 400)


# --- moderation ---------------------------------------------------------------------------------


def _moderator(request):
    if not permissions.can_moderate(request.user):
        raise PermissionDenied
    return request.user


@login_required
def queue(request):
    moderator = _moderator(request)
    if request.method == "POST":
        return _bulk(request, moderator)
    status = request.GET.get("status") or Proposal.Status.PENDING
    if status not in Proposal.Status.values:
        status = Proposal.Status.PENDING
    kind = request.GET.get("kind") if request.GET.get("kind") in Proposal.Kind.values else ""
    assigned = request.GET.get("assigned") if request.GET.get("assigned") in ("me", "nobody") else None
    qs = services.queue(status=status, kind=kind, assigned=assigned, user=moderator)
    notices = []
    page = pagination.page_of_request(request.GET, qs, QUEUE_PAGE_SIZE, notices)
    proposals = services.with_comment_counts(list(page.object_list))
    # One reverse() for the whole page, not one per row.
    # Per-row texts computed once here: 50 rows of lookups and translations cost more in a template.
    review_url = reverse("proposals:review", args=[0])
    kind_labels = {value: str(label) for value, label in Proposal.Kind.choices}
    anonymous = _("anonymous")
    for proposal in proposals:
        proposal.review_url = review_url.replace("/0/", f"/{proposal.pk}/")
        proposal.kind_label = kind_labels.get(proposal.kind, proposal.kind)
        proposal.from_label = proposal.proposer.email if proposal.proposer_id else proposal.proposer_email or anonymous
        proposal.assigned_label = proposal.assigned_to.email if proposal.assigned_to_id else "—"
    return render(
        request,
        "proposals/queue.html",
        {
            "page": page,
            "proposals": proposals,
            "status": status,
            "kind": kind,
            "assigned": assigned or "",
            "counts": services.queue_counts(),
            "statuses": Proposal.Status.choices,
            "kinds": Proposal.Kind.choices,
            "duplicate_label": _("possible duplicate"),
            "query": [(k, v) for k, v in (("status", status), ("kind", kind), ("assigned", assigned)) if v],
            "notices": notices,
        },
    )


def _bulk(request, moderator):
    ids = [int(pk) for pk in request.POST.getlist("proposal") if pk.isdigit()]
    action = request.POST.get("action")
    if not ids:
        messages.error(request, _("Tick at least one proposal."))
    elif action == "assign_me":
        services.assign(ids, moderator, moderator)
        messages.success(request, _("Assigned to you."))
    elif action in ("approve", "reject"):
        reason = request.POST.get("reason", "")
        if action == "reject" and not reason.strip():
            messages.error(request, _("Please give a reason: it is sent to the person who proposed."))
        else:
            done, failed = services.bulk(action, ids, moderator, reason=reason)
            messages.success(request, _("%(count)d proposals decided.") % {"count": done})
            for proposal, error in failed:
                messages.error(request, f"#{proposal.pk}: {error}")
    return redirect(request.get_full_path())


@login_required
def review(request, pk):
    moderator = _moderator(request)
    proposal = get_object_or_404(
        Proposal.objects.select_related("proposer", "assigned_to", "decided_by", "target_type"), pk=pk
    )
    edit_form = None
    reject_form = forms.RejectForm()
    comment_form = forms.CommentForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("approve", "edit_approve"):
                shown = _shown(request, proposal)
            if action == "approve":
                services.approve(proposal, moderator, shown=shown)
                messages.success(request, _("Approved and published."))
                return redirect("proposals:queue")
            if action == "edit_approve":
                edit_form = _edit_form(proposal, moderator, data=request.POST, files=request.FILES)
                if edit_form.is_valid():
                    data = edit_form.store_files(edit_form.to_data())
                    try:
                        services.approve(proposal, moderator, data=data, shown=shown)
                    except services.ProposalError:
                        edit_form.discard_files()
                        raise
                    messages.success(request, _("Edited, approved and published."))
                    return redirect("proposals:queue")
            elif action == "reject":
                reject_form = forms.RejectForm(request.POST)
                if reject_form.is_valid():
                    services.reject(proposal, moderator, reject_form.cleaned_data["reason"])
                    messages.success(request, _("Rejected; the reason was sent."))
                    return redirect("proposals:queue")
            elif action == "assign":
                assignee = None
                if request.POST.get("assignee") == "me":
                    assignee = moderator
                elif request.POST.get("assignee", "").isdigit():
                    assignee = get_user_model().objects.filter(pk=request.POST["assignee"]).first()
                services.assign([proposal.pk], moderator, assignee)
                return redirect("proposals:review", pk=pk)
            elif action == "comment":
                comment_form = forms.CommentForm(request.POST)
                if comment_form.is_valid():
                    services.comment(proposal, moderator, comment_form.cleaned_data["text"])
                    return redirect(reverse("proposals:review", args=[pk]) + "#comments")
        except services.ProposalError as error:
            messages.error(request, str(error))
    if edit_form is None and proposal.is_open and proposal.kind in EDITABLE:
        edit_form = _edit_form(proposal, moderator)
    current = services.current_values(proposal)
    return render(
        request,
        "proposals/review.html",
        {
            "proposal": proposal,
            "rows": services.diff(proposal, current),
            # Approving applies what is shown here: a change made after is refused, not reverted.
            "shown": services.sign_values(current, proposal, request.user, purpose="shown"),
            "edit_form": edit_form,
            "reject_form": reject_form,
            "comment_form": comment_form,
            "comments": proposal.comments.select_related("author"),
            "duplicates": _duplicates(proposal),
        },
    )


def _shown(request, proposal):
    """The entry's values the moderator saw (signed in the approve forms); None from a form
    without them (the approval then applies to the entry as it is)."""
    token = request.POST.get("shown")
    if not token:
        return None
    shown = services.read_values(token, proposal, request.user, purpose="shown")
    if shown is None:
        raise services.ProposalError(_("This form could not be read as it was sent: look at the changes again."))
    return shown


EDITABLE = {
    Proposal.Kind.NEW_ACTOR: forms.ActorForm,
    Proposal.Kind.CHANGE_ACTOR: forms.ActorForm,
    Proposal.Kind.NEW_EVENT: forms.EventForm,
    Proposal.Kind.CHANGE_EVENT: forms.EventForm,
    Proposal.Kind.CHANGE_PROJECT: forms.ProjectForm,
    Proposal.Kind.PROJECT_UPDATE: forms.UpdateForm,
}


def _edit_form(proposal, moderator, data=None, files=None):
    form_class = EDITABLE[proposal.kind]
    values = {**proposal.base, **proposal.data}
    initial = forms.EventForm.initial_from(values) if form_class is forms.EventForm else values
    initial = {**initial, "submission": proposal.submission}
    options = {"user": moderator, "needs_charter": False, "initial": initial, "prefix": "edit"}
    if form_class is forms.ActorForm:
        options["change"] = True
    return form_class(data, files, **options)


def _duplicates(proposal):
    if not proposal.duplicates:
        return []
    return [
        {**c, "reason_labels": [str(REASON_LABELS.get(r, r)) for r in c.get("reasons", [])]}
        for c in proposal.duplicates
    ]


@login_required
def organiser_requests(request):
    """Requests to name the organisations the user edits as organisers of an event, or to remove
    them: their editors accept or decline (the moderators decide them in their queue)."""
    if request.method == "POST":
        pk = request.POST.get("proposal", "")
        proposal = get_object_or_404(Proposal, pk=int(pk) if pk.isdigit() else 0)
        answer = request.POST.get("answer")
        if answer not in ("accept", "decline"):
            messages.error(request, _("Please choose Accept or Decline."))
            return redirect("proposals:organiser_requests")
        try:
            services.answer_organisers(proposal, request.user, accept=answer == "accept")
        except PermissionError:
            raise PermissionDenied from None
        except services.ProposalError as error:
            messages.error(request, str(error))
        else:
            done = _("Accepted: the event's organisers are updated.") if answer == "accept" else _("Declined.")
            messages.success(request, done)
        return redirect("proposals:organiser_requests")
    requests = services.organiser_requests_for(request.user)
    return render(request, "proposals/organiser_requests.html", {"requests": requests})

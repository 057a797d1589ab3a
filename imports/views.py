"""The import screen for moderators (thin views: the work is in services and tasks)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts.permissions import moderator_required
from maillage.links import slug_url

from . import services, tasks
from .forms import MappingForm, NewImportForm, SourceForm
from .mapping import fields_for
from .models import ImportRun, Source

RUNS_SHOWN = 20
REPORT_SHOWN = 1000  # rows of the report table shown at once (errors first)


def _enqueue(run):
    tasks.run_import.enqueue(run.pk)


@moderator_required
def index(request):
    return render(
        request,
        "imports/index.html",
        {"sources": services.sources_overview(), "runs": services.recent_runs(RUNS_SHOWN)},
    )


@moderator_required
@require_http_methods(["GET", "POST"])
def new(request):
    form = NewImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["file"]:
                payload, filename = data["file"].read(), data["file"].name
            else:
                payload, filename = services.fetch(data["url"])
            source = data.get("source") or services.source_by_name(
                data["new_source"], format=data["format"], target=data["target"], url=data.get("url") or ""
            )
            run = services.start_run(
                data=payload,
                filename=filename,
                format=data["format"] or None,
                source=source,
                target=data["target"],
                dry_run=True,
                user=request.user,
            )
        except services.ImportFailed as exc:
            form.add_error(None, str(exc))
        else:
            if not source.format:
                Source.objects.filter(pk=source.pk).update(format=run.format)
            _enqueue(run)
            return redirect("imports:run", pk=run.pk)
    return render(request, "imports/new.html", {"form": form}, status=400 if form.errors else 200)


def _report_filter(request, run):
    counts = run.counts or {}
    outcomes = [(o, services.OUTCOME_LABELS[o], counts[o]) for o in services.OUTCOMES if counts.get(o)]
    outcome = request.GET.get("outcome", "")
    entries = run.report or []
    if outcome in services.OUTCOMES:
        entries = [e for e in entries if e.get("outcome") == outcome]
    else:
        outcome = ""
    truncated = len(entries) > REPORT_SHOWN
    view = "directory:actor" if run.target == Source.Target.ACTORS else "agenda:event"
    shown = []
    for entry in entries[:REPORT_SHOWN]:
        entry = dict(entry, label=services.OUTCOME_ROW_LABELS.get(entry.get("outcome"), entry.get("outcome")))
        if entry.get("slug"):
            entry["url"] = slug_url(view, entry["slug"])
        if entry.get("candidate", {}).get("slug"):
            entry["candidate_url"] = slug_url("directory:actor", entry["candidate"]["slug"])
            entry.setdefault("url", entry["candidate_url"])
        shown.append(entry)
    listed_less = any(counts.get(o, 0) > services.COMPACT_LIMIT for o in services.COMPACT)
    return outcome, outcomes, shown, truncated, listed_less


@moderator_required
def run_page(request, pk):
    run = get_object_or_404(ImportRun.objects.select_related("source", "created_by"), pk=pk)
    outcome, outcomes, entries, truncated, listed_less = _report_filter(request, run)
    mapping_form = None
    if run.columns and run.status in (ImportRun.Status.PREVIEWED, ImportRun.Status.FAILED) and run.dry_run:
        mapping_form = MappingForm(target=run.target, columns=run.columns, mapping=run.mapping or {})
    busy = run.status in (ImportRun.Status.PENDING, ImportRun.Status.RUNNING)
    phase = services.READING
    if busy:  # read from the cache: the run's row is not updated while the import is written
        run.processed, run.total, phase = services.live_progress(run)
    context = {
        "run": run,
        "writing": phase == services.WRITING,
        "outcome": outcome,
        "outcomes": outcomes,
        "entries": entries,
        "truncated": truncated,
        "shown": REPORT_SHOWN,
        "listed_less": listed_less,
        "counts": outcomes,
        "mapping_form": mapping_form,
        "busy": busy,
        "can_apply": run.dry_run and run.status == ImportRun.Status.PREVIEWED,
    }
    if request.htmx and request.GET.get("fragment") == "status":
        if not context["busy"]:
            return HttpResponseClientRefresh()  # done: the whole page shows the report
        return render(request, "imports/_status.html", context)
    return render(request, "imports/run.html", context)


@moderator_required
@require_POST
def preview_again(request, pk):
    run = get_object_or_404(ImportRun, pk=pk, dry_run=True)
    form = MappingForm(request.POST, target=run.target, columns=run.columns or [], mapping=run.mapping or {})
    if not form.is_valid():
        messages.error(request, _("The mapping could not be read; nothing changed."))
        return redirect("imports:run", pk=run.pk)
    mapping = form.mapping()
    services.save_mapping(run.source, mapping)
    new_run = services.again(run, dry_run=True, mapping=mapping, user=request.user)
    _enqueue(new_run)
    return redirect("imports:run", pk=new_run.pk)


@moderator_required
@require_POST
def apply(request, pk):
    run = get_object_or_404(ImportRun, pk=pk, dry_run=True, status=ImportRun.Status.PREVIEWED)
    services.save_mapping(run.source, run.mapping)
    new_run = services.again(run, dry_run=False, user=request.user)
    _enqueue(new_run)
    messages.success(request, _("The import has started."))
    return redirect("imports:run", pk=new_run.pk)


@moderator_required
@require_http_methods(["GET", "POST"])
def source_page(request, slug):
    source = get_object_or_404(Source, slug=slug)
    form = SourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The source is saved."))
        return redirect("imports:source", slug=source.slug)
    fields = fields_for(source.target)
    mapping = [(fields.get(name, name), column) for name, column in (source.mapping or {}).items() if column]
    return render(
        request,
        "imports/source.html",
        {
            "source": source,
            "form": form,
            "mapping": mapping,
            "missing": services.missing_records(source),
            "runs": list(source.runs.select_related("created_by").order_by("-created")[:RUNS_SHOWN]),
            "record_count": source.records.count(),
        },
        status=400 if form.errors else 200,
    )

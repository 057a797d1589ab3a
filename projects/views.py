from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import permissions
from directory.services import vocabularies
from maillage.pagination import page_of_request

from . import services
from .models import Project

PAGE_SIZE = 20


@require_GET
def project_list(request):
    vocab = vocabularies()
    filters = services.parse_project_filters(request.GET, vocab)
    page = page_of_request(request.GET, services.filter_projects(filters), PAGE_SIZE, filters.notices)
    return render(
        request,
        "projects/project_list.html",
        {
            "page": page,
            "projects": list(page.object_list),
            "filters": filters,
            "chosen": filters.values,
            "query": filters.query_items(),
            "vocab": vocab,
            "statuses": Project.Status.choices,
        },
    )


@require_GET
def project_detail(request, slug):
    try:
        project = services.project_for_page(slug, include_archived=permissions.can_moderate(request.user))
    except Project.DoesNotExist:
        raise Http404(_("No project has this address.")) from None
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "timeline": services.timeline(project),
            "jsonld": services.project_jsonld(project, settings.SITE_URL),
        },
    )

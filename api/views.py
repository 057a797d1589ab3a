"""The API's documentation page (rendered from the OpenAPI document, no script) and the pages where
a person manages their personal tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions

from .api import api
from .models import ApiToken


def _type(schema):
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"] if s.get("type") != "null")
    if schema.get("type") == "array":
        return _type(schema.get("items", {})) + "[]"
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    return schema.get("type", "")


def _operations(schema, base):
    operations = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            params = []
            for p in op.get("parameters", []):
                params.append(
                    {
                        "name": p["name"],
                        "where": p["in"],
                        "required": p.get("required", False),
                        "type": _type(p.get("schema", {})),
                        # No literal "" inside _(): makemessages would collect an empty message.
                        "description": _(text)
                        if (text := p["schema"].get("description") or p.get("description"))
                        else "",
                    }
                )
            example = base + path.replace("{slug}", "SLUG")
            if method == "get" and any(p["name"] == "lang" for p in params):
                example += "?lang=en"
            body = None
            if "requestBody" in op:
                ref = op["requestBody"]["content"]["application/json"]["schema"].get("$ref", "")
                body = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": _(op.get("summary", "")),
                    "description": _(op.get("description", "")),
                    "params": params,
                    "example": example,
                    "write": "security" in op,
                    "body": sorted((body or {}).get("properties", {}).items()),
                    "id": op.get("operationId", path),
                }
            )
    return operations


@require_GET
def docs(request):
    schema = api.get_openapi_schema()
    base = request.build_absolute_uri("/").rstrip("/")
    return render(
        request,
        "api/docs.html",
        {
            "operations": _operations(schema, base),
            "intro": _(schema["info"].get("description", "")),
            "openapi_url": request.build_absolute_uri("/api/openapi.json"),
            "api_url": base + "/api",
        },
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the new token"),
        max_length=100,
        help_text=gettext_lazy("What it is for, e.g. “our website's agenda”."),
    )


@never_cache
@login_required
def token_list(request):
    """The person's tokens; creating one shows its key, once."""
    key = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            _token, key = ApiToken.issue(request.user, form.cleaned_data["name"].strip())
            form = TokenForm()
    else:
        form = TokenForm()
    tokens = list(ApiToken.objects.filter(user=request.user))
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "new_key": key,
            "edits_entries": bool(permissions.edited_actor_ids(request.user)) or permissions.can_moderate(request.user),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoke()
    messages.success(request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name})
    return redirect("api_tokens:list")

"""The « Clés d'API » page of the animation: the territory's keys, a form to issue one (its clear key shown
once, on the answer to the form), and a button to revoke each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from maillage.api import services
from maillage.api.forms import IssueKeyForm
from maillage.api.models import ApiKey
from maillage.api.permissions import can_manage_keys


def _render(
    request: HttpRequest, form: IssueKeyForm, issued: services.IssuedKey | None = None
) -> HttpResponse:
    keys = ApiKey.objects.for_user(request.user, request.territory).select_related("created_by")
    example_url = request.territory.absolute_url("/api/v1/structures")
    context = {"form": form, "keys": keys, "issued": issued, "example_url": example_url}
    return render(request, "api/keys.html", context)


@never_cache
@login_required
def keys(request: HttpRequest) -> HttpResponse:
    if not can_manage_keys(request.user, request.territory):
        raise PermissionDenied
    if request.method != "POST":
        return _render(request, IssueKeyForm())
    form = IssueKeyForm(request.POST)
    if not form.is_valid():
        return _render(request, form)
    try:
        issued = services.issue_key(actor=request.user, territory=request.territory, **form.cleaned_data)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _render(request, form)
    # The clear key is in this answer only (never stored, never in a redirect or a message).
    return _render(request, IssueKeyForm(), issued)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_keys(request.user, request.territory):
        raise PermissionDenied
    key = get_object_or_404(ApiKey.objects.for_user(request.user, request.territory), pk=pk)
    try:
        services.revoke_key(actor=request.user, key=key)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"La clé {key.prefix}… de {key.holder_name} est révoquée.")
    return redirect("api_pages:keys")

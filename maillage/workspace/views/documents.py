"""Pages of an atelier's documents: list and upload, versions, private download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from maillage.core.uploads import private_file_response
from maillage.workspace import permissions, selectors, services
from maillage.workspace.forms import DocumentForm, VersionForm
from maillage.workspace.models import DocumentVersion
from maillage.workspace.views._common import (
    form_errors,
    readable_atelier,
    readable_document,
    served_territory,
)

MEMBERS_ONLY = "Les documents de l'atelier sont réservés à ses membres."


@login_required
def documents(request: HttpRequest, slug: str) -> HttpResponse:
    atelier = readable_atelier(request, slug, MEMBERS_ONLY)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.upload_document(actor=request.user, atelier=atelier, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Document déposé.")
            return redirect("workspace:document", pk=document.pk)
    docs = atelier.documents.prefetch_related("versions")
    return render(request, "workspace/documents.html", {"atelier": atelier, "documents": docs, "form": form})


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = readable_document(request, pk)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_document_version(actor=request.user, document=document, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Nouvelle version déposée.")
            return redirect("workspace:document", pk=document.pk)
    return render(request, "workspace/document_detail.html", selectors.document_detail(document, form))


@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(
        DocumentVersion.objects.filter(document__atelier__territory=served_territory(request)).select_related(
            "document__atelier"
        ),
        pk=pk,
    )
    if not permissions.can_read_atelier(request.user, version.document.atelier):
        raise PermissionDenied(MEMBERS_ONLY)
    services.record_download(version=version)
    return private_file_response(
        version.file.open("rb"), version.original_name, content_type=version.content_type
    )

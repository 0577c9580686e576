"""A structure's manager applies: starts an application, fills the form (answers, budget table, pieces),
submits it before the deadline, downloads the receipt."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from maillage.calls import pdf, selectors, services
from maillage.calls.forms import ApplicationForm, AttachmentForm, StartForm
from maillage.calls.permissions import can_animate, can_apply_for
from maillage.calls.views.common import add_errors, application_or_404, call_or_404, crumbs
from maillage.core.pdf import pdf_response
from maillage.core.uploads import private_file_response


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, year: int) -> HttpResponse:
    call = call_or_404(request, year)
    structures = selectors.managed_structures(request.user, request.territory).exclude(
        call_applications__call=call
    )
    form = StartForm(request.POST or None, structures=structures)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.start_application(
                actor=request.user,
                call=call,
                structure=form.cleaned_data["structure"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, "Votre candidature est créée en brouillon : complétez-la puis déposez-la."
            )
            return redirect("calls:application", pk=application.pk)
    return render(
        request,
        "calls/apply.html",
        {
            "call": call,
            "form": form,
            "has_structures": structures.exists(),
            "breadcrumbs": crumbs(
                (f"Appel {call.year}", reverse("calls:call", args=[year])), ("Candidater", None)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_or_404(request, pk)
    editable = application.is_editable and can_apply_for(request.user, application.structure)
    form = ApplicationForm(request.POST or None, application=application) if editable else None
    attachment_form = AttachmentForm() if editable else None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if request.POST.get("action") == "attach":
            attachment_form = AttachmentForm(request.POST, request.FILES)
            form = ApplicationForm(application=application)
            if attachment_form.is_valid():
                try:
                    services.add_attachment(
                        actor=request.user,
                        application=application,
                        label=attachment_form.cleaned_data["label"],
                        file=attachment_form.cleaned_data["file"],
                    )
                except ValidationError as exc:
                    add_errors(attachment_form, exc)
                else:
                    messages.success(request, "La pièce est jointe à la candidature.")
                    return redirect("calls:application", pk=pk)
        elif form is not None and form.is_valid():
            try:
                services.save_application(
                    actor=request.user, application=application, **form.service_kwargs()
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if request.POST.get("action") == "submit":
                    return redirect("calls:submit", pk=pk)
                messages.success(request, "Brouillon enregistré.")
                return redirect("calls:application", pk=pk)
    expenses, resources = services.budget_totals(application)
    return render(
        request,
        "calls/application.html",
        {
            "application": application,
            "call": application.call,
            "form": form,
            "attachment_form": attachment_form,
            "expenses": expenses,
            "resources": resources,
            "balanced": expenses == resources and expenses > 0,
            "lines": application.budget_lines.all(),
            "attachments": application.attachments.all(),
            "is_animator": can_animate(request.user, request.territory),
            "breadcrumbs": crumbs((application.title, None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_or_404(request, pk)
    if not can_apply_for(request.user, application.structure):
        raise PermissionDenied
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.submit_application(actor=request.user, application=application)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request, "Votre candidature est déposée. Votre récépissé de dépôt est disponible ci-dessous."
            )
            return redirect("calls:application", pk=pk)
    elif application.is_editable:
        errors = services.eligibility_problems(application, timezone.localdate())
    return render(
        request,
        "calls/submit.html",
        {
            "application": application,
            "errors": errors,
            "breadcrumbs": crumbs(
                (application.title, reverse("calls:application", args=[pk])), ("Déposer", None)
            ),
        },
    )


@login_required
@require_GET
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_or_404(request, pk)
    if not application.receipt_number:
        return redirect("calls:application", pk=pk)
    return pdf_response(pdf.receipt_pdf(application), f"recepisse-{application.receipt_number}.pdf")


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = application_or_404(request, pk)
    item = get_object_or_404(application.attachments, pk=attachment_pk)
    return private_file_response(item.file, item.filename)

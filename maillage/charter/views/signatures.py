"""Signing pages: a manager signs for their structures; a manager or the animation withdraws."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from maillage.charter import selectors, services
from maillage.charter.forms import SignatureForm, WithdrawForm
from maillage.charter.models import Signature, VersionStatus
from maillage.charter.permissions import can_withdraw_for
from maillage.charter.views.common import add_errors, version_or_404


@login_required
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, number: int) -> HttpResponse:
    version = version_or_404(request, number)
    managed = selectors.managed_structures(request.user, request.territory)
    already = selectors.already_signed(version, managed)
    available = managed.exclude(pk__in=already)
    initial = {"signer_name": f"{request.user.first_name} {request.user.last_name}".strip()}
    wanted = request.GET.get("structure")
    if wanted:
        initial["structure"] = available.filter(slug=wanted).first()
    form = SignatureForm(
        request.POST or None,
        structures=available,
        ceremonies=selectors.ceremonies_for(version),
        initial=initial,
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.sign_charter(
                    actor=request.user,
                    version=version,
                    structure=data["structure"],
                    signer_name=data["signer_name"],
                    signer_role=data["signer_role"],
                    commitment=data["commitment"],
                    ceremony=data.get("ceremony"),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Merci : {data['structure'].name} a signé la version {version.number} de la charte.",
                )
                return redirect("charter:structure", slug=data["structure"].slug)
        elif version.status != VersionStatus.ADOPTED:
            form.add_error(
                None, f"La version {version.number} n'est pas adoptée : elle ne peut pas être signée."
            )
    return render(
        request,
        "charter/sign.html",
        {
            "version": version,
            "form": form,
            "managed_count": managed.count(),
            "signed": managed.filter(pk__in=already),
            "breadcrumbs": selectors.crumbs(
                (f"Version {version.number}", reverse("charter:version", args=[number])), ("Signer", None)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    signature = get_object_or_404(
        Signature.objects.of_territory(request.territory).select_related("structure", "version"), pk=pk
    )
    if not can_withdraw_for(request.user, signature.structure):
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_signature(
                actor=request.user, signature=signature, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "La signature a été retirée.")
            return redirect("charter:structure", slug=signature.structure.slug)
    return render(
        request,
        "charter/withdraw.html",
        {
            "signature": signature,
            "form": form,
            "breadcrumbs": selectors.crumbs(
                ("Signataires", reverse("charter:signatories")),
                (signature.structure.name, reverse("charter:structure", args=[signature.structure.slug])),
                ("Retirer la signature", None),
            ),
        },
    )

"""Support follow-up (scoped: animation, advisers, the structure's members), the resources library, the
advisers list, and the module's home page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from maillage.accounts.models import User
from maillage.actors.models import Structure
from maillage.core.uploads import private_file_response
from maillage.events.models import Status
from maillage.training import services
from maillage.training.forms import AdviserForm, ResourceForm, SupportForm
from maillage.training.models import Adviser, Census, CollectiveSession, OfficeHours, Resource, SupportRecord
from maillage.training.views.common import (
    add_errors,
    advisers_only,
    animators_only,
    crumbs,
    is_adviser,
    is_animator,
)


def home(request: HttpRequest) -> HttpResponse:
    territory = request.territory
    return render(
        request,
        "training/home.html",
        {
            "censuses": Census.objects.for_user(request.user, territory).filter(status="open"),
            "sessions": CollectiveSession.objects.filter(
                event__territory=territory, event__status=Status.PUBLISHED, event__start__gt=timezone.now()
            ).select_related("event", "theme"),
            "office_hours": OfficeHours.objects.filter(territory=territory).select_related("adviser")[:6],
            "resources": Resource.objects.for_user(request.user, territory)[:6],
            "animator": is_animator(request),
            "adviser": is_adviser(request),
            "breadcrumbs": [("Accueil", "/"), ("Formations et accompagnement", "")],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def support(request: HttpRequest) -> HttpResponse:
    records = SupportRecord.objects.for_user(request.user, request.territory).select_related(
        "structure", "recorded_by"
    )
    can_record = is_adviser(request)
    form = None
    if can_record:
        form = SupportForm(
            request.POST or None,
            structures=Structure.objects.filter(territory=request.territory).order_by("name"),
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.record_support(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "L'accompagnement est noté.")
                return redirect("training:support")
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "training/support.html",
        {
            "records": records[:200],
            "form": form,
            "breadcrumbs": crumbs(("Suivi des accompagnements", "")),
        },
    )


def resources(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "training/resources.html",
        {
            "resources": Resource.objects.for_user(request.user, request.territory),
            "can_add": is_adviser(request),
            "breadcrumbs": crumbs(("Ressources", "")),
        },
    )


def resource_file(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Resource.objects.for_user(request.user, request.territory), pk=pk)
    if not item.file:
        raise Http404
    return private_file_response(item.file, item.file_name or "ressource")


@login_required
@require_http_methods(["GET", "POST"])
def resource_add(request: HttpRequest) -> HttpResponse:
    advisers_only(request)
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_resource(actor=request.user, territory=request.territory, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "La ressource est ajoutée à la bibliothèque.")
            return redirect("training:resources")
    return render(
        request,
        "training/resource_add.html",
        {"form": form, "breadcrumbs": crumbs(("Ressources", "/formations/ressources/"), ("Ajouter", ""))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def advisers(request: HttpRequest) -> HttpResponse:
    animators_only(request)
    form = AdviserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if user is None:
            form.add_error(
                "email", "Aucun compte n'a cette adresse : la personne doit d'abord créer son compte."
            )
        else:
            try:
                services.name_adviser(
                    actor=request.user,
                    territory=request.territory,
                    user=user,
                    organisation=form.cleaned_data["organisation"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"{user.display_name} peut publier des permanences.")
                return redirect("training:advisers")
    return render(
        request,
        "training/advisers.html",
        {
            "advisers": Adviser.objects.filter(territory=request.territory).select_related("user"),
            "form": form,
            "breadcrumbs": crumbs(("Conseillers", "")),
        },
    )

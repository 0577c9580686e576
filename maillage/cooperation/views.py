"""Pages of cooperation: what the other territories share (public, read-only, with provenance), and the
animation's pages (share, withdraw, subscribe to another installation)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from maillage.actors.models import Practice
from maillage.cooperation import presenting, selectors, services
from maillage.cooperation.forms import SubscriptionForm
from maillage.cooperation.models import ImportedItem, Share, Subscription
from maillage.cooperation.permissions import can_animate
from maillage.events.models import Event

HOME = ("Coopération", "/cooperation/")


def _territory(request: HttpRequest):
    if request.territory is None:
        raise Http404("Aucun territoire n'est servi à cette adresse.")
    return request.territory


def _animators_only(request: HttpRequest):
    territory = _territory(request)
    if not can_animate(request.user, territory):
        raise PermissionDenied
    return territory


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    territory = _territory(request)
    context = selectors.public_context(territory)
    context["can_animate"] = can_animate(request.user, territory)
    return render(request, "cooperation/home.html", context)


@require_GET
def shared_detail(request: HttpRequest, pk: int) -> HttpResponse:
    territory = _territory(request)
    share = get_object_or_404(Share.objects.public().filter(territory__is_active=True), pk=pk)
    item = presenting.of_share(share)
    own = share.territory_id == territory.pk
    return render(
        request,
        "cooperation/item.html",
        {"item": item, "imported": None, "own": own, "breadcrumbs": [HOME, (item.title, None)]},
    )


@require_GET
def imported_detail(request: HttpRequest, pk: int) -> HttpResponse:
    territory = _territory(request)
    imported = get_object_or_404(ImportedItem.objects.of(territory), pk=pk)
    item = presenting.of_imported(imported)
    return render(
        request,
        "cooperation/item.html",
        {"item": item, "imported": imported, "own": False, "breadcrumbs": [HOME, (item.title, None)]},
    )


@login_required
@require_GET
def animation(request: HttpRequest) -> HttpResponse:
    territory = _animators_only(request)
    context = selectors.animation_context(territory)
    context["breadcrumbs"] = [HOME, ("Partager", None)]
    return render(request, "cooperation/animation.html", context)


@login_required
@require_POST
def share(request: HttpRequest) -> HttpResponse:
    territory = _animators_only(request)
    practice = event = None
    if request.POST.get("practice"):
        practice = get_object_or_404(
            Practice.objects.public(territory), pk=_int(request.POST.get("practice"))
        )
    elif request.POST.get("event"):
        event = get_object_or_404(Event.objects.public_agenda(territory), pk=_int(request.POST.get("event")))
    try:
        shared = services.share_item(actor=request.user, territory=territory, practice=practice, event=event)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"« {shared.title} » est partagé avec les autres territoires.")
    return redirect("cooperation:animation")


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    territory = _animators_only(request)
    found = get_object_or_404(Share.objects.of(territory), pk=pk)
    try:
        services.withdraw_share(actor=request.user, share=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"« {found.title} » n'est plus partagé.")
    return redirect("cooperation:animation")


@login_required
def subscriptions(request: HttpRequest) -> HttpResponse:
    territory = _animators_only(request)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_subscription(actor=request.user, territory=territory, url=form.cleaned_data["url"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, "Abonnement enregistré : le premier import est lancé, son état s'affiche ci-dessous."
            )
            return redirect("cooperation:subscriptions")
    context = selectors.subscriptions_context(territory)
    context.update(form=form, breadcrumbs=[HOME, ("Installations suivies", None)])
    return render(request, "cooperation/subscriptions.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def refresh(request: HttpRequest, pk: int) -> HttpResponse:
    territory = _animators_only(request)
    subscription = get_object_or_404(Subscription.objects.of(territory), pk=pk)
    services.request_refresh(actor=request.user, subscription=subscription)
    messages.success(request, "Mise à jour lancée : l'état ci-dessous la reflète dès qu'elle est faite.")
    return redirect("cooperation:subscriptions")


@login_required
@require_POST
def unsubscribe(request: HttpRequest, pk: int) -> HttpResponse:
    territory = _animators_only(request)
    subscription = get_object_or_404(Subscription.objects.of(territory), pk=pk)
    services.remove_subscription(actor=request.user, subscription=subscription)
    messages.success(request, f"Le territoire ne suit plus « {subscription} » ; ses éléments sont retirés.")
    return redirect(reverse("cooperation:subscriptions"))


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None

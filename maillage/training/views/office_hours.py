"""Office hours: the list, a permanence's free slots, booking, the booking page, ICS, cancellation by the
mail's link (GET shows, POST cancels), publishing and deleting slots (advisers)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from maillage.core.actors import visitor
from maillage.core.confirm import ConfirmTokenView
from maillage.training import permissions, selectors, services
from maillage.training.forms import BookingForm, OfficeHoursForm
from maillage.training.models import Adviser, Booking, OfficeHours, Slot
from maillage.training.views.common import add_errors, crumbs, is_adviser, is_animator

BY_MAIL_LINK = visitor("lien du courriel")


def office_hours_list(request: HttpRequest) -> HttpResponse:
    items = OfficeHours.objects.filter(territory=request.territory).select_related("adviser")
    return render(
        request,
        "training/office_hours_list.html",
        {
            "items": [(o, selectors.free_slots(o).count()) for o in items],
            "can_publish": is_adviser(request),
            "breadcrumbs": crumbs(("Permanences", "")),
        },
    )


def office_hours(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        OfficeHours.objects.select_related("adviser__user"), pk=pk, territory=request.territory
    )
    runs = request.user.is_authenticated and (item.adviser.user_id == request.user.pk or is_animator(request))
    return render(
        request,
        "training/office_hours.html",
        {
            "item": item,
            "runs": runs,
            "slots": selectors.slots_with_state(item),
            "resources": item.resources.all(),
            "breadcrumbs": crumbs(("Permanences", reverse("training:office_hours_list")), (item.title, "")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_object_or_404(
        Slot.objects.select_related("office_hours"), pk=pk, office_hours__territory=request.territory
    )
    structures = selectors.member_structures(request.user, request.territory)
    form = BookingForm(request.POST or None, structures=structures)
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.book_slot(actor=request.user, slot=slot, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Votre rendez-vous est réservé : vous allez recevoir une confirmation.")
            return redirect("training:booking", pk=booking.pk)
    return render(
        request,
        "training/book.html",
        {
            "slot": slot,
            "item": slot.office_hours,
            "form": form,
            "structures": structures,
            "when": services.when(slot.start),
            "breadcrumbs": crumbs(
                ("Permanences", reverse("training:office_hours_list")),
                (slot.office_hours.title, reverse("training:office_hours", args=[slot.office_hours_id])),
                ("Réserver", ""),
            ),
        },
    )


def _booking(request: HttpRequest, pk: int) -> Booking:
    return get_object_or_404(
        Booking.objects.for_user(request.user, request.territory).select_related(
            "office_hours__adviser", "structure"
        ),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def booking(request: HttpRequest, pk: int) -> HttpResponse:
    item = _booking(request, pk)
    if request.method == "POST":
        try:
            services.cancel_booking(actor=request.user, booking=item, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Le rendez-vous est annulé ; le créneau est de nouveau libre.")
        return redirect("training:booking", pk=item.pk)
    return render(
        request,
        "training/booking.html",
        {
            "booking": item,
            "when": services.when(item.start),
            "breadcrumbs": crumbs(
                ("Permanences", reverse("training:office_hours_list")), ("Mon rendez-vous", "")
            ),
        },
    )


@login_required
def booking_ics(request: HttpRequest, pk: int) -> HttpResponse:
    item = _booking(request, pk)
    response = HttpResponse(selectors.booking_ics(item), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="permanence-{item.pk}.ics"'
    return response


class CancelBookingView(ConfirmTokenView):
    purpose = services.CANCEL_PURPOSE
    max_age = services.CANCEL_MAX_AGE
    title = _("Annuler votre rendez-vous de permanence")
    question = _("Voulez-vous annuler ce rendez-vous ? Le créneau sera libéré pour une autre structure.")
    button_label = _("Annuler le rendez-vous")
    done_message = _("Votre rendez-vous est annulé. Le conseiller est prévenu.")
    template_name = "training/cancel_confirm.html"

    def _item(self, payload: Any) -> Booking:
        return get_object_or_404(
            Booking.objects.select_related("office_hours"),
            pk=payload.get("b"),
            office_hours__territory=self.request.territory,
        )

    def describe(self, payload: Any) -> dict[str, Any]:
        item = self._item(payload)
        detail = f"{item.office_hours.title}, le {services.when(item.start)} — sujet : {item.topic}"
        return {"detail": detail, "already": item.state == "cancelled"}

    def act(self, payload: Any) -> HttpResponse | None:
        item = self._item(payload)
        try:
            services.cancel_booking(actor=BY_MAIL_LINK, booking=item, reason="annulé par le lien du courriel")
        except ValidationError as exc:
            return render(
                self.request,
                "core/confirm_error.html",
                self.context(error_message=exc.messages[0]),
                status=409,
            )
        return None


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest) -> HttpResponse:
    if not is_adviser(request):
        raise PermissionDenied
    advisers = Adviser.objects.filter(territory=request.territory).select_related("user")
    if not is_animator(request):
        advisers = advisers.filter(user=request.user)
    form = OfficeHoursForm(request.POST or None, advisers=advisers, territory=request.territory)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.publish_office_hours(
                actor=request.user,
                adviser=data["adviser"],
                title=data["title"],
                rrule=data["frequency"],
                first_start=data["first_start"],
                slot_minutes=data["slot_minutes"],
                slots_per_occurrence=data["slots_per_occurrence"],
                place=data["place"],
                online_url=data["online_url"],
                description=data["description"],
                resources=list(data["resources"]),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, f"La permanence est publiée : {created.slots.count()} créneaux ouverts."
            )
            return redirect("training:office_hours", pk=created.pk)
    return render(
        request,
        "training/publish.html",
        {
            "form": form,
            "has_advisers": advisers.exists(),
            "breadcrumbs": crumbs(("Permanences", reverse("training:office_hours_list")), ("Publier", "")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def slot_delete(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_object_or_404(
        Slot.objects.select_related("office_hours__adviser"), pk=pk, office_hours__territory=request.territory
    )
    if not (
        slot.office_hours.adviser.user_id == request.user.pk
        or permissions.can(request.user, permissions.ANIMATE, request.territory)
    ):
        raise PermissionDenied
    booked = Booking.objects.filter(slot=slot, state="booked").select_related("structure").first()
    if request.method == "POST":
        try:
            services.delete_slot(actor=request.user, slot=slot)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                "Le créneau est supprimé."
                + (" La réservation est annulée et la structure prévenue." if booked else ""),
            )
        return redirect("training:office_hours", pk=slot.office_hours_id)
    return render(
        request,
        "training/slot_delete.html",
        {
            "slot": slot,
            "booked": booked,
            "when": services.when(slot.start),
            "breadcrumbs": crumbs(
                ("Permanences", reverse("training:office_hours_list")),
                (slot.office_hours.title, reverse("training:office_hours", args=[slot.office_hours_id])),
                ("Supprimer un créneau", ""),
            ),
        },
    )

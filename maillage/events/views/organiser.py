"""The organiser's pages: create and edit events and series, status, management, exports, messages, report."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from maillage.core.exports import PersonalDataLog, export_response
from maillage.core.tokens import make_token
from maillage.events import pdf, permissions, services
from maillage.events.forms import (
    EventForm,
    MessageForm,
    OccurrenceForm,
    PhotoForm,
    ReportForm,
    SeriesForm,
)
from maillage.events.models import Event, Registration, Status
from maillage.events.recurrence import PARIS, summary_fr
from maillage.events.selectors import manage_context
from maillage.events.views.common import CHECKIN_PURPOSE, _managed_event, _require_animator


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    _require_animator(request)
    form = EventForm(request.POST or None, request.FILES or None, territory=request.territory)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(
                actor=request.user,
                territory=request.territory,
                hosts=form.cleaned_data["hosts"],
                status=Status.PUBLISHED if request.POST.get("publish") else Status.DRAFT,
                **form.service_fields(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Le rendez-vous est enregistré.")
            return redirect("events:manage", slug=event.slug)
    return render(
        request, "events/event_form.html", {"form": form, "title": "Nouveau rendez-vous", "creating": True}
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    if event.series_id:
        return redirect("events:occurrence_edit", slug=event.slug)
    form = EventForm(
        request.POST or None,
        request.FILES or None,
        instance=Event.objects.get(pk=event.pk),
        territory=request.territory,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(
                actor=request.user, event=event, hosts=form.cleaned_data["hosts"], **form.service_fields()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Les modifications sont enregistrées.")
            return redirect("events:manage", slug=event.slug)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "title": f"Modifier « {event.title} »", "event": event, "creating": False},
    )


@login_required
@require_http_methods(["GET", "POST"])
def series_create(request: HttpRequest) -> HttpResponse:
    _require_animator(request)
    form = SeriesForm(request.POST or None, territory=request.territory)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            name: data[name]
            for name in [
                "title",
                "kind",
                "description",
                "mode",
                "venue",
                "address",
                "commune",
                "online_url",
                "accessibility",
                "capacity",
                "visibility",
            ]
        }
        try:
            series = services.create_series(
                actor=request.user,
                territory=request.territory,
                rrule=data["rule"],
                first_start=data["first_start"],
                duration=dt.timedelta(minutes=data["duration_minutes"]),
                hosts=data["hosts"],
                on_holiday=data["on_holiday"],
                **fields,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            first = series.occurrences.order_by("start").first()
            messages.success(request, f"La série est créée : {summary_fr(series.rrule, series.first_start)}.")
            return redirect("events:detail", slug=first.slug) if first else redirect("events:list")
    return render(request, "events/series_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def occurrence_edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    if not event.series_id:
        return redirect("events:edit", slug=event.slug)
    form = OccurrenceForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope = data["scope"]
        if scope != "this" and not permissions.can_animate(request.user, request.territory):
            form.add_error("scope", "Seule l'animation du territoire peut modifier toute la série.")
        else:
            local = timezone.localtime(event.start, PARIS)
            new_start = dt.datetime.combine(local.date(), data["start_time"])
            shift = new_start - local.replace(tzinfo=None)
            try:
                services.edit_occurrences(
                    actor=request.user,
                    event=event,
                    scope=scope,
                    shift=shift,
                    duration=dt.timedelta(minutes=data["duration_minutes"]),
                    hosts=data["hosts"],
                    venue=data["venue"],
                    address=data["address"],
                    capacity=data["capacity"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, "Les modifications sont enregistrées ; les inscrits concernés sont prévenus."
                )
                return redirect("events:manage", slug=event.slug)
    return render(
        request,
        "events/occurrence_form.html",
        {
            "form": form,
            "event": event,
            "when": services.when_label(event),
            "series_summary": summary_fr(event.series.rrule, event.series.first_start),
        },
    )


STATUS_ACTIONS = {
    Status.PUBLISHED: "Publier",
    Status.CANCELLED: "Annuler le rendez-vous",
    Status.CLOSED: "Clore les inscriptions",
    Status.DRAFT: "Repasser en brouillon",
}


@login_required
@require_http_methods(["GET", "POST"])
def change_status(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    allowed = [(s, STATUS_ACTIONS[s]) for s in Status if event.can_become(s)]
    error = ""
    if request.method == "POST":
        try:
            services.change_status(
                actor=request.user,
                event=event,
                to=request.POST.get("to", ""),
                note=request.POST.get("note", "")[:300],
            )
        except (ValidationError, KeyError, ValueError) as exc:
            error = " ".join(getattr(exc, "messages", ["Ce changement n'est pas possible."]))
        else:
            messages.success(request, "Le statut du rendez-vous est changé.")
            return redirect("events:manage", slug=event.slug)
    return render(
        request,
        "events/status.html",
        {
            "event": event,
            "allowed": allowed,
            "error": error,
            "transitions": event.transitions.select_related("actor"),
        },
        status=400 if error else 200,
    )


@login_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    token = make_token(CHECKIN_PURPOSE, {"e": event.pk})
    checkin_url = request.territory.absolute_url(reverse("events:checkin", kwargs={"token": token}))
    return render(request, "events/manage.html", manage_context(request, event, checkin_url=checkin_url))


@login_required
def export(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx", "ods"):
        fmt = "csv"
    rows = [
        [
            r.name,
            r.email,
            r.structure.name if r.structure else r.structure_name,
            r.get_state_display(),
            r.sequence,
            "oui" if r.attended else "non",
            *[r.answers.get(q, "") for q in event.questions],
        ]
        for r in event.registrations.active().order_by("state", "sequence")
    ]
    return export_response(
        headers=["Nom", "Adresse électronique", "Structure", "État", "Ordre", "Présent", *event.questions],
        rows=rows,
        filename=f"inscrits-{event.slug}",
        fmt=fmt,
        delimiter=";" if fmt == "csv" else ",",
        title="Inscrits",
        personal_data=PersonalDataLog(
            actor=request.user, territory=request.territory, what=f"Inscrits au rendez-vous « {event.title} »"
        ),
    )


@login_required
def signin_sheet(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    data = pdf.render_pdf(
        "events/pdf/signin_sheet.html",
        {
            "event": event,
            "when": services.when_label(event),
            "registered": event.registrations.registered().select_related("structure"),
            "blank_rows": range(8),
            "territory": request.territory,
        },
    )
    return pdf.pdf_response(data, f"emargement-{event.slug}.pdf")


@login_required
def attestation(request: HttpRequest, slug: str, registration_id: int) -> HttpResponse:
    event = _managed_event(request, slug)
    registration = get_object_or_404(Registration, pk=registration_id, event=event, attended=True)
    duration = event.end - event.start
    data = pdf.render_pdf(
        "events/pdf/attestation.html",
        {
            "event": event,
            "registration": registration,
            "when": services.when_label(event),
            "hours": round(duration.total_seconds() / 3600, 1),
            "territory": request.territory,
            "today": timezone.localdate(),
        },
    )
    return pdf.pdf_response(data, f"attestation-{event.slug}-{registration.pk}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def message(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.send_message(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Le message part vers {sent.recipients_count} inscrit(s).")
            return redirect("events:manage", slug=event.slug)
    return render(request, "events/message.html", {"form": form, "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    form = ReportForm(
        request.POST if request.POST.get("action") == "report" else None,
        initial={"report": event.report, "publish": bool(event.report_published_at)},
    )
    photo_form = PhotoForm(
        request.POST if request.POST.get("action") == "photo" else None, request.FILES or None
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "photo" and photo_form.is_valid():
                services.add_photo(actor=request.user, event=event, **photo_form.cleaned_data)
                messages.success(request, "La photo est ajoutée.")
                return redirect("events:report", slug=event.slug)
            if request.POST.get("action") == "report" and form.is_valid():
                services.save_report(actor=request.user, event=event, **form.cleaned_data)
                messages.success(request, "Le compte rendu est enregistré.")
                return redirect("events:report", slug=event.slug)
        except ValidationError as exc:
            (photo_form if request.POST.get("action") == "photo" else form).add_error(None, exc)
    registered = event.registrations.registered()
    structures = (
        registered.filter(attended=True)
        .exclude(structure_name="")
        .values("structure_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "structure_name")
    )
    return render(
        request,
        "events/report.html",
        {
            "event": event,
            "form": form,
            "photo_form": photo_form,
            "photos": event.photos.all(),
            "registered_count": registered.count(),
            "attended_count": registered.filter(attended=True).count(),
            "structures": structures,
            "is_future": event.start > timezone.now(),
        },
    )

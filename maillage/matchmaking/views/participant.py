from __future__ import annotations

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from maillage.core.pdf import pdf_response, render_pdf
from maillage.matchmaking import selectors, services
from maillage.matchmaking.forms import AvailabilityForm, FollowUpForm
from maillage.matchmaking.models import Participant, Slot
from maillage.matchmaking.views.common import add_errors, meeting_or_404


def _participant(request: HttpRequest, pk: int) -> Participant:
    meeting = meeting_or_404(request, pk)
    participant = selectors.own_participant(meeting, request.user)
    if participant is None:
        raise PermissionDenied
    return participant


@login_required
def wishes(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    meeting = participant.meeting
    error = None
    if request.method == "POST":
        ranked: list[tuple[int, str, int]] = []
        refused: list[int] = []
        for key, value in request.POST.items():
            if key.startswith("rang_") and value.strip():
                target = key.removeprefix("rang_")
                if not (target.isdigit() and value.strip().isdigit()):
                    error = "Un rang est un nombre entier."
                    break
                ranked.append((int(value), target, int(target)))
            if key.startswith("refus_") and key.removeprefix("refus_").isdigit():
                refused.append(int(key.removeprefix("refus_")))
        if error is None:
            ranked.sort()
            try:
                services.save_wishes(
                    actor=request.user,
                    participant=participant,
                    wished=[pk_ for *_, pk_ in ranked],
                    refused=refused,
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request, f"Vos vœux sont enregistrés : {len(ranked)} personne(s) classée(s)."
                )
                return redirect("matchmaking:wishes", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "participant": participant,
        "error": error,
        **selectors.wishes_context(participant),
    }
    return render(request, "matchmaking/wishes.html", context, status=400 if error else 200)


@login_required
def availability(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    form = AvailabilityForm(
        request.POST or None,
        initial={
            "first_round": participant.first_round,
            "last_round": min(participant.last_round, participant.meeting.rounds),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_availability(actor=request.user, participant=participant, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Vos disponibilités sont enregistrées.")
            return redirect("matchmaking:detail", pk=participant.meeting_id)
    return render(request, "matchmaking/availability.html", {"meeting": participant.meeting, "form": form})


@login_required
def agenda(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    rows = selectors.agenda(participant)
    return render(
        request,
        "matchmaking/agenda.html",
        {
            "meeting": participant.meeting,
            "participant": participant,
            "rows": rows,
            "form": FollowUpForm(),
            "follow_ups_open": participant.meeting.follow_ups_open,
        },
    )


@login_required
def agenda_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    rows = selectors.agenda(participant)
    data = render_pdf(
        "matchmaking/pdf_agenda.html",
        {"meeting": participant.meeting, "participant": participant, "rows": rows},
    )
    return pdf_response(
        data, f"planning-speed-meeting-{participant.meeting_id}.pdf", inline=True, private=True
    )


@login_required
def agenda_ics(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    meeting = participant.meeting
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Maillage//Speed-meeting//FR")
    calendar.add("version", "2.0")
    for row in selectors.agenda(participant):
        if row["partner"] is None:
            continue
        event = icalendar.Event()
        event.add("uid", f"speed-{meeting.pk}-{participant.pk}-{row['round']}@maillage")
        event.add("summary", f"Rencontre avec {row['partner'].label}")
        event.add("location", f"{row['table']} — {meeting.event.venue}".strip(" —"))
        event.add("dtstart", row["start"])
        event.add("dtend", row["end"])
        event.add("description", f"{meeting.title}, tour {row['round']}")
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="speed-meeting-{meeting.pk}.ics"'
    return response


@login_required
@require_POST
def follow_up(request: HttpRequest, pk: int, slot_pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    slot = get_object_or_404(
        Slot.objects.select_related("run__meeting"), pk=slot_pk, run__meeting=participant.meeting
    )
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez dans la liste la suite donnée à cette rencontre.")
        return redirect("matchmaking:agenda", pk=participant.meeting_id)
    try:
        services.record_follow_up(
            actor=request.user, participant=participant, slot=slot, outcome=form.cleaned_data["outcome"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Merci : la suite de cette rencontre est notée.")
    return redirect("matchmaking:agenda", pk=participant.meeting_id)

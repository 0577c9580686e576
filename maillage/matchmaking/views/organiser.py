from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from maillage.matchmaking import selectors, services
from maillage.matchmaking.forms import MeetingForm, PairForm, PinForm, SwapForm
from maillage.matchmaking.models import MEETING_MACHINE, MeetingStatus, Pin, Run, Slot
from maillage.matchmaking.views.common import add_errors, animators_only, meeting_or_404


@login_required
def create(request: HttpRequest) -> HttpResponse:
    animators_only(request)
    form = MeetingForm(request.POST or None, territory=request.territory)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_speed_meeting(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("matchmaking:manage", pk=meeting.pk)
    return render(request, "matchmaking/create.html", {"form": form}, status=400 if form.errors else 200)


def _manage_context(meeting, **extra):
    participants = meeting.participants.filter(withdrawn=False)
    return {
        "meeting": meeting,
        "pair_form": PairForm(participants=participants, prefix="must"),
        "pin_form": PinForm(participants=participants, prefix="pin"),
        "swap_form": SwapForm(slots=_current_slots(meeting), prefix="swap"),
        "statuses": [
            (s, label)
            for s, label in MeetingStatus.choices
            if s in MEETING_MACHINE.moves.get(meeting.status, set())
        ],
        **selectors.organiser_context(meeting),
        **extra,
    }


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    meeting = meeting_or_404(request, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "sync":
                added = services.sync_participants(actor=request.user, meeting=meeting, sides=_sides(request))
                messages.success(request, f"Participants à jour : {added} ajouté(s).")
            elif action == "status":
                services.transition_meeting(
                    actor=request.user, meeting=meeting, to=request.POST.get("to", "")
                )
                messages.success(request, f"Nouvel état : {meeting.get_status_display()}.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("matchmaking:manage", pk=meeting.pk)
    return render(request, "matchmaking/manage.html", _manage_context(meeting))


def _sides(request: HttpRequest) -> dict[int, str]:
    return {
        int(key.removeprefix("side_")): value
        for key, value in request.POST.items()
        if key.startswith("side_") and key.removeprefix("side_").isdigit()
    }


@login_required
@require_POST
def must_meet(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    meeting = meeting_or_404(request, pk)
    form = PairForm(request.POST, participants=meeting.participants.filter(withdrawn=False), prefix="must")
    if form.is_valid():
        try:
            services.add_must_meet(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Rencontre imposée ajoutée.")
            return redirect("matchmaking:manage", pk=meeting.pk)
    return render(
        request, "matchmaking/manage.html", {**_manage_context(meeting), "pair_form": form}, status=400
    )


@login_required
@require_POST
def pin(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    meeting = meeting_or_404(request, pk)
    form = PinForm(request.POST, participants=meeting.participants.filter(withdrawn=False), prefix="pin")
    if form.is_valid():
        try:
            services.add_pin(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, "Rencontre épinglée : relancez le calcul pour construire le planning autour."
            )
            return redirect("matchmaking:manage", pk=meeting.pk)
    return render(
        request, "matchmaking/manage.html", {**_manage_context(meeting), "pin_form": form}, status=400
    )


def _current_slots(meeting):
    return Slot.objects.filter(run__meeting=meeting, run__is_current=True).select_related(
        "run__meeting", "a", "b"
    )


@login_required
@require_POST
def swap(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    meeting = meeting_or_404(request, pk)
    form = SwapForm(request.POST, slots=_current_slots(meeting), prefix="swap")
    if form.is_valid():
        try:
            services.swap_meetings(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                "Rencontres échangées et épinglées : relancez le calcul pour construire le planning autour.",
            )
            return redirect("matchmaking:manage", pk=meeting.pk)
    return render(
        request, "matchmaking/manage.html", {**_manage_context(meeting), "swap_form": form}, status=400
    )


@login_required
@require_POST
def unpin(request: HttpRequest, pk: int, pin_pk: int) -> HttpResponse:
    animators_only(request)
    meeting = meeting_or_404(request, pk)
    services.remove_pin(actor=request.user, pin=get_object_or_404(Pin, pk=pin_pk, meeting=meeting))
    messages.success(request, "Épinglage retiré.")
    return redirect("matchmaking:manage", pk=meeting.pk)


@login_required
@require_POST
def run_request(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    meeting = meeting_or_404(request, pk)
    run = services.request_run(actor=request.user, meeting=meeting)
    return redirect("matchmaking:run", pk=meeting.pk, run_pk=run.pk)


@login_required
def run_status(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    animators_only(request)
    meeting = meeting_or_404(request, pk)
    run = get_object_or_404(Run, pk=run_pk, meeting=meeting)
    context = {
        "meeting": meeting,
        "run": run,
        "current": selectors.current_run(meeting),
        "level_labels": selectors.LEVEL_LABELS,
        "rows": selectors.per_participant_wishes(run) if run.status == "done" else [],
    }
    template = "matchmaking/_run.html" if request.headers.get("HX-Request") else "matchmaking/run.html"
    return render(request, template, context)


@login_required
def table_plan(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    meeting = meeting_or_404(request, pk)
    run = selectors.current_run(meeting)
    plan = selectors.table_plan(meeting, run) if run else []
    return render(
        request,
        "matchmaking/plan.html",
        {"meeting": meeting, "run": run, "plan": plan, "tables": selectors.tables(meeting)},
    )


@login_required
def name_tags(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    meeting = meeting_or_404(request, pk)
    participants = meeting.participants.filter(withdrawn=False)
    return render(
        request,
        "matchmaking/tags.html",
        {
            "meeting": meeting,
            "participants": [(p, selectors.side_label(meeting, p.side)) for p in participants],
        },
    )

"""Pages of the ateliers: list, creation, detail, joining and leaving, members, meetings and minutes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from maillage.events.models import Event
from maillage.workspace import permissions, selectors, services
from maillage.workspace.forms import AtelierForm, LinkMeetingForm, MeetingForm, MinutesForm
from maillage.workspace.models import AtelierMeeting, AtelierMember
from maillage.workspace.views._common import (
    atelier_or_404,
    coordinated_atelier,
    form_errors,
    readable_atelier,
    served_territory,
    territory_staff,
)

COORDINATORS_ONLY = "Seuls la coordination de l'atelier et l'animation du territoire le peuvent."


def atelier_list(request: HttpRequest) -> HttpResponse:
    context = selectors.atelier_list(request.user, served_territory(request))
    return render(request, "workspace/atelier_list.html", context)


@login_required
def atelier_create(request: HttpRequest) -> HttpResponse:
    territory = territory_staff(request, "Seule l'équipe d'animation crée les ateliers.")
    form = AtelierForm(request.POST or None, initial={"policy": "open"})
    if request.method == "POST" and form.is_valid():
        try:
            atelier = services.create_atelier(actor=request.user, territory=territory, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "L'atelier est créé.")
            return redirect("workspace:atelier", slug=atelier.slug)
    return render(request, "workspace/atelier_form.html", {"form": form})


def atelier_detail(request: HttpRequest, slug: str) -> HttpResponse:
    atelier = atelier_or_404(request, slug)
    return render(request, "workspace/atelier_detail.html", selectors.atelier_detail(request.user, atelier))


@login_required
@require_POST
def atelier_join(request: HttpRequest, slug: str) -> HttpResponse:
    atelier = atelier_or_404(request, slug)
    if request.POST.get("action") == "leave":
        services.leave_atelier(actor=request.user, atelier=atelier)
        messages.success(request, "Vous avez quitté l'atelier.")
        return redirect("workspace:atelier", slug=slug)
    try:
        member = services.join_atelier(actor=request.user, atelier=atelier)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        if member.status == AtelierMember.Status.PENDING:
            messages.success(request, "Votre demande est envoyée à la coordination de l'atelier.")
        else:
            messages.success(request, "Bienvenue dans l'atelier !")
    return redirect("workspace:atelier", slug=slug)


@login_required
def atelier_members(request: HttpRequest, slug: str) -> HttpResponse:
    atelier = readable_atelier(request, slug, "La liste des membres est réservée aux membres de l'atelier.")
    return render(request, "workspace/atelier_members.html", selectors.atelier_members(request.user, atelier))


@login_required
@require_POST
def member_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    atelier = coordinated_atelier(
        request, slug, "Seuls les coordinateurs de l'atelier et l'équipe d'animation décident."
    )
    member = get_object_or_404(atelier.members, pk=pk)
    action = request.POST.get("action")
    try:
        if action in ("accept", "refuse"):
            services.decide_membership(actor=request.user, member=member, accept=action == "accept")
        elif action in ("coordinator", "member"):
            services.set_member_role(actor=request.user, member=member, role=action)
        else:
            raise ValidationError("Action inconnue.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "C'est enregistré.")
    return redirect("workspace:members", slug=slug)


@login_required
def meetings(request: HttpRequest, slug: str) -> HttpResponse:
    """Create a meeting of the atelier in the agenda, or link an existing event of the territory."""
    atelier = coordinated_atelier(request, slug, COORDINATORS_ONLY)
    choices = selectors.linkable_events(atelier)
    action = request.POST.get("action") if request.method == "POST" else None
    form = MeetingForm(request.POST if action == "create" else None, prefix="new")
    link_form = LinkMeetingForm(request.POST if action == "link" else None, choices=choices, prefix="link")
    if action == "create" and form.is_valid():
        try:
            meeting = services.create_meeting(actor=request.user, atelier=atelier, **form.event_fields())
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, f"La réunion « {meeting.event.title} » est annoncée dans l'agenda.")
            return redirect("workspace:atelier", slug=slug)
    if action == "link" and link_form.is_valid():
        event = get_object_or_404(
            Event.objects.filter(territory=atelier.territory), pk=link_form.cleaned_data["event"]
        )
        try:
            services.link_meeting(actor=request.user, atelier=atelier, event=event)
        except ValidationError as error:
            form_errors(link_form, error)
        else:
            messages.success(request, f"« {event.title} » est rattaché à l'atelier.")
            return redirect("workspace:atelier", slug=slug)
    return render(
        request,
        "workspace/meetings.html",
        {"atelier": atelier, "form": form, "link_form": link_form, "has_choices": bool(choices)},
    )


@login_required
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        AtelierMeeting.objects.for_user(request.user, served_territory(request)).select_related(
            "atelier", "event"
        ),
        pk=pk,
    )
    if not permissions.can_coordinate(request.user, meeting.atelier):
        raise PermissionDenied(COORDINATORS_ONLY)
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_minutes(actor=request.user, meeting=meeting, minutes=form.cleaned_data["minutes"])
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Le compte rendu est enregistré.")
            return redirect(f"/ateliers/{meeting.atelier.slug}/#reunion-{meeting.pk}")
    return render(
        request,
        "workspace/meeting_minutes.html",
        {"meeting": meeting, "form": form, "history": selectors.minutes_history(meeting)},
    )

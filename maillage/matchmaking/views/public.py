from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from maillage.matchmaking import selectors
from maillage.matchmaking.models import ExchangeCampaign, SpeedMeeting
from maillage.matchmaking.permissions import can_animate
from maillage.matchmaking.views.common import meeting_or_404


def home(request: HttpRequest) -> HttpResponse:
    meetings = SpeedMeeting.objects.for_user(request.user, request.territory)
    campaigns = ExchangeCampaign.objects.for_user(request.user, request.territory)
    return render(
        request,
        "matchmaking/home.html",
        {
            "meetings": meetings,
            "campaigns": campaigns,
            "can_animate": can_animate(request.user, request.territory),
        },
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    participant = selectors.own_participant(meeting, request.user)
    run = selectors.current_run(meeting)
    return render(
        request,
        "matchmaking/detail.html",
        {
            "meeting": meeting,
            "participant": participant,
            "run": run,
            "counts": {
                "a": meeting.participants.filter(withdrawn=False, side="a").count(),
                "b": meeting.participants.filter(withdrawn=False, side="b").count(),
                "all": meeting.participants.filter(withdrawn=False).count(),
            },
            "can_animate": can_animate(request.user, request.territory),
        },
    )


@login_required
def live(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    context = {"meeting": meeting, **selectors.live_context(meeting, request.GET.get("tour"))}
    return render(request, "matchmaking/live.html", context)


@login_required
def live_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    context = {"meeting": meeting, **selectors.live_context(meeting, request.GET.get("tour"))}
    return render(request, "matchmaking/_live.html", context)

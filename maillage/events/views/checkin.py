"""The tablet at the door (émargement): a time-limited link, no sign-in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from maillage.core.actors import visitor
from maillage.core.tokens import TokenError, read_token
from maillage.events import services
from maillage.events.models import Event, Registration
from maillage.events.views.common import CHECKIN_MAX_AGE, CHECKIN_PURPOSE

# The tablet at the door acts through its time-limited link, without an account.
BY_CHECKIN_LINK = visitor("lien d'émargement")


@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """The tablet at the door: a time-limited link (no sign-in), search by name, or type a registration
    code."""
    try:
        payload = read_token(CHECKIN_PURPOSE, token, CHECKIN_MAX_AGE)
    except TokenError as exc:
        return render(request, "events/checkin_error.html", {"error_message": str(exc)}, status=410)
    event = get_object_or_404(Event, pk=payload.get("e"), territory=request.territory)
    notice = ""
    if request.method == "POST":
        code = request.POST.get("code", "").strip().upper()
        registration_id = request.POST.get("registration")
        qs = Registration.objects.filter(event=event, state=Registration.State.REGISTERED)
        found = (
            qs.filter(checkin_code=code).first()
            if code
            else qs.filter(pk=registration_id).first()
            if registration_id and registration_id.isdigit()
            else None
        )
        if found is None:
            notice = "Aucune inscription ne correspond à ce code."
        else:
            services.check_in(
                actor=BY_CHECKIN_LINK, registration=found, attended=request.POST.get("undo") != "1"
            )
            done = "présence enregistrée" if request.POST.get("undo") != "1" else "présence retirée"
            notice = f"{found.display_name} : {done}."
    query = request.GET.get("q", "").strip()
    registered = event.registrations.registered()
    if query:
        registered = registered.filter(name__icontains=query)
    response = render(
        request,
        "events/checkin.html",
        {
            "event": event,
            "registered": registered[:200],
            "query": query,
            "notice": notice,
            "when": services.when_label(event),
            "present": event.registrations.filter(attended=True).count(),
            "total": event.registrations.registered().count(),
        },
    )
    # same-origin, never no-referrer: the page's forms would post `Origin: null` and fail the CSRF check.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response

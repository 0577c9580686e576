"""Pages of the notification centre: « Mes notifications », the preferences, the unsubscribe link."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt

from maillage.accounts.models import User
from maillage.core.confirm import ConfirmTokenView
from maillage.core.models import Territory
from maillage.notifications import services
from maillage.notifications.forms import PreferencesForm
from maillage.notifications.models import Notification


def _territory(request: HttpRequest) -> Territory:
    territory = getattr(request, "territory", None)
    if territory is None:
        raise Http404("Aucun territoire n'est servi à cette adresse.")
    return territory


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    territory = _territory(request)
    user = cast(User, request.user)  # signed in (login_required)
    if request.method == "POST":
        services.mark_read(actor=user, territory=territory)
        messages.success(request, "Toutes vos notifications sont marquées comme lues.")
        return redirect("notifications:list")
    qs = Notification.objects.for_user(user).in_territory(territory)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # signed in (login_required)
    form = PreferencesForm(request.POST or None, current=services.preferences_of(user))
    if request.method == "POST" and form.is_valid():
        services.set_preferences(actor=user, choices=form.cleaned_data)
        messages.success(request, "Vos choix sont enregistrés.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@method_decorator(csrf_exempt, name="dispatch")  # RFC 8058: mail clients POST without a CSRF token;
class NotificationsOffView(ConfirmTokenView):  # the signed token is the authority. A GET never acts.
    purpose = services.UNSUBSCRIBE_PURPOSE
    max_age = services.UNSUBSCRIBE_MAX_AGE
    title = "Ne plus recevoir ces notifications par courriel"
    question = "Arrêter de recevoir ces notifications par courriel ? Elles resteront visibles sur le site."
    button_label = "Arrêter les courriels"
    done_message = "C'est fait : vous ne recevrez plus ces notifications par courriel."

    def act(self, payload: Any) -> HttpResponse | None:
        services.switch_off(payload=payload)
        return None


notifications_off = NotificationsOffView.as_view()

"""Pages of the notifications: the list, the preferences, the one-click « stop » link of the mails.

(Moving to the notification centre, `maillage.notifications`; kept as it was meanwhile.)
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from maillage.core.confirm import ConfirmTokenView
from maillage.workspace import notifications
from maillage.workspace.forms import PreferencesForm
from maillage.workspace.models import Notification
from maillage.workspace.views._common import _territory

# --- notifications ---------------------------------------------------------------------------------------


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    territory = _territory(request)
    qs = Notification.objects.filter(user=request.user, territory=territory)
    if request.method == "POST":
        qs.filter(read_at__isnull=True).update(read_at=timezone.now())
        messages.success(request, "Toutes vos notifications sont marquées comme lues.")
        return redirect("workspace:notifications")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "workspace/notifications.html", {"page": page})


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, current=notifications.preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        notifications.set_preferences(actor=request.user, choices=form.cleaned_data)
        messages.success(request, "Vos choix sont enregistrés.")
        return redirect("workspace:notification_preferences")
    return render(request, "workspace/notification_preferences.html", {"form": form})


class NotificationsOffView(ConfirmTokenView):
    purpose = notifications.UNSUBSCRIBE_PURPOSE
    max_age = notifications.UNSUBSCRIBE_MAX_AGE
    title = "Ne plus recevoir ces notifications par courriel"
    question = "Arrêter de recevoir ces notifications par courriel ? Elles resteront visibles sur le site."
    button_label = "Arrêter les courriels"
    done_message = "C'est fait : vous ne recevrez plus ces notifications par courriel."

    def act(self, payload: Any) -> HttpResponse | None:
        notifications.switch_off(payload=payload)
        return None


notifications_off = csrf_exempt(NotificationsOffView.as_view())  # one-click POST from mail clients (RFC 8058)

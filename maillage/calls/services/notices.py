"""What the calls tell people: notifications to account holders through `notify()`, and the jury
invitation mailed to a bare address (the invitee may have no account yet)."""

from __future__ import annotations

from django.urls import reverse

from maillage.actors.models import Membership
from maillage.calls.models import Application, Juror, ReportDue
from maillage.core.actors import Actor
from maillage.core.mail import send_mail_on_commit, territory_url
from maillage.core.tokens import make_token
from maillage.notifications.services import notify

INVITATION_PURPOSE = "calls-jury"


def managers_of(structure_id: int) -> list:
    return [
        m.user
        for m in Membership.objects.filter(structure_id=structure_id, role="manager").select_related("user")
    ]


def _app_url(application: Application) -> str:
    return reverse("calls:application", args=[application.pk])


def application_submitted(application: Application, *, actor: Actor) -> None:
    notify(
        kind="calls_application_submitted",
        territory=application.call.territory,
        recipients=managers_of(application.structure_id),
        title=f"Candidature déposée : {application.title} (récépissé {application.receipt_number})",
        body="Le récépissé de dépôt en PDF est disponible sur la page de la candidature.",
        url=_app_url(application),
        actor=actor,
    )


def eligibility_decided(application: Application, *, actor: Actor) -> None:
    verdict = "éligible" if application.status == "eligible" else "non éligible"
    notify(
        kind="calls_application_decision",
        territory=application.call.territory,
        recipients=managers_of(application.structure_id),
        title=f"Votre candidature « {application.title} » est {verdict}",
        body=f"Raison : {application.eligibility_reason}",
        url=_app_url(application),
        actor=actor,
    )


def piece_requested(application: Application, *, actor: Actor) -> None:
    notify(
        kind="calls_piece_requested",
        territory=application.call.territory,
        recipients=managers_of(application.structure_id),
        title=f"Pièce manquante à fournir pour « {application.title} » avant le "
        f"{application.piece_due_on:%d/%m/%Y}",
        body=f"Pièce demandée : {application.piece_requested}",
        url=_app_url(application),
        actor=actor,
    )


def result_announced(application: Application, *, actor: Actor) -> None:
    selected = application.status == "selected"
    notify(
        kind="calls_application_decision",
        territory=application.call.territory,
        recipients=managers_of(application.structure_id),
        title=f"« {application.title} » est lauréate de l'appel {application.call.year}"
        if selected
        else f"« {application.title} » n'a pas été retenue par le jury",
        url=_app_url(application),
        actor=actor,
    )


def invite_juror(juror: Juror) -> None:
    call = juror.call
    token = make_token(INVITATION_PURPOSE, {"juror": juror.pk}, single_use=True)
    send_mail_on_commit(
        territory=call.territory,
        to=juror.email,
        template="calls_jury_invitation",
        context={
            "name": juror.name,
            "call_title": call.title,
            "year": call.year,
            "jury_on": call.jury_on,
            "url": territory_url(call.territory, "calls:invitation", token),
        },
    )


def report_reminder(report: ReportDue, *, actor: Actor) -> None:
    application = report.grant.application
    notify(
        kind="calls_report_due",
        territory=application.call.territory,
        recipients=managers_of(application.structure_id),
        title=f"{report.get_kind_display().capitalize()} attendu le {report.due_on:%d/%m/%Y} pour la "
        f"subvention « {application.title} »",
        url=_app_url(application),
        actor=actor,
    )

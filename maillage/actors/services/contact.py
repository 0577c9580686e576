"""Anonymous actions (rate-limited in the views): error reports, the contact form."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from maillage.actors import permissions
from maillage.actors.models import (
    ErrorReport,
    Structure,
)
from maillage.actors.services import notices
from maillage.actors.services.base import _manager_emails
from maillage.core.actors import Actor, visitor
from maillage.core.mail import send_mail_on_commit

# --- anonymous actions (rate-limited in the views) ------------------------------------------------------


def record_error_report(*, structure: Structure, message: str) -> ErrorReport:
    """Write an error report (no mail: `report_error` tells the moderation; the demo calls this directly)."""
    return ErrorReport.objects.create(structure=structure, message=message[:2000])


@transaction.atomic
def report_error(*, structure: Structure, message: str) -> ErrorReport:
    text = " ".join((message or "").split())
    if len(text) < 10:
        raise ValidationError({"message": "Décrivez l'erreur en quelques mots (10 caractères au moins)."})
    report = record_error_report(structure=structure, message=text)
    notices.error_reported(structure, message=report.message, actor=visitor("formulaire de signalement"))
    return report


@transaction.atomic
def resolve_error_report(*, actor: Actor, report: ErrorReport) -> ErrorReport:
    permissions.require(
        actor,
        "actors.moderate_directory",
        report.structure.territory,
        "Seule la modération du territoire traite les signalements.",
    )
    report.resolved = True
    report.save(update_fields=["resolved"])
    return report


def contact_recipients(structure: Structure) -> list[str]:
    """Where the contact form goes: the public address, else the contact person, else the managers."""
    if structure.public_email:
        return [structure.public_email]
    if structure.contact_email:
        return [structure.contact_email]
    return _manager_emails(structure)


@transaction.atomic
def send_contact_message(*, structure: Structure, sender_name: str, sender_email: str, message: str) -> bool:
    """Forward a visitor's message to the structure (its address never shown). False if it has none."""
    recipients = contact_recipients(structure)
    if not recipients:
        return False
    send_mail_on_commit(
        territory=structure.territory,
        to=recipients,
        template="actors_contact",
        reply_to=sender_email,
        context={
            "structure": structure,
            "sender_name": sender_name,
            "sender_email": sender_email,
            "message": message,
        },
    )
    return True

"""Every write of the lettre d'information: subscriptions (double opt-in), issues, sending.

Subscribing stores a short-lived `PendingSubscription` (address, commune, moment of consent); the mailed
link carries only its id, signed, single-use and expiring — never the address, which would land in access
logs. The subscriber row is created when the person confirms (POST); the request is then deleted.
Sending: `start_sending` flips the issue draft → sending with a conditional UPDATE (a double click finds it
no longer a draft and sends nothing), creates one « pending » delivery per recipient and enqueues
`deliver_batch` on commit; see `deliver_batch` for how a killed worker never causes a double send.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from maillage.accounts.models import User
from maillage.actors.models import Membership, Structure
from maillage.core.mail import send_mail_on_commit, send_prepared_message_on_commit, territory_url
from maillage.core.models import Commune, Territory
from maillage.core.registry import registry
from maillage.core.tasks import enqueue_on_commit
from maillage.core.text import sanitize_html
from maillage.core.tokens import make_token
from maillage.newsletter import rendering, tasks
from maillage.newsletter.models import (
    ISSUE_TRANSITIONS,
    PENDING_RETENTION,
    UNSUBSCRIBED_RETENTION_DAYS,
    Delivery,
    Issue,
    IssueTransition,
    PendingSubscription,
    Subscriber,
)
from maillage.newsletter.sending import SendReport, sending_report  # noqa: F401 - re-exported
from maillage.workspace.models import Atelier, AtelierMember

logger = logging.getLogger("maillage.newsletter")

CONFIRM_PURPOSE = "newsletter-confirm"
CONFIRM_MAX_AGE = PENDING_RETENTION
CONSENT_TEXT = (
    "J'accepte de recevoir la lettre d'information du territoire par courriel. Mon adresse sert uniquement "
    "à cet envoi ; seule l'équipe d'animation du contrat y a accès ; elle est supprimée "
    f"{UNSUBSCRIBED_RETENTION_DAYS} jours après mon désabonnement (un lien de désabonnement figure dans "
    "chaque lettre)."
)
# A link that is no longer honoured: an old-style link (it carried the address), or a request since
# confirmed, expired or erased.
STALE_LINK_MESSAGE = (
    "Ce lien de confirmation n'est plus valable. Abonnez-vous de nouveau depuis la page de la lettre "
    "d'information : vous recevrez un nouveau lien."
)
DEFAULT_SINCE = dt.timedelta(days=31)


# --- subscriptions -------------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."}
        )
    return email


def confirmation_token(pending: PendingSubscription) -> str:
    """The token of a confirmation link: the request's id and territory, signed — no address."""
    return make_token(CONFIRM_PURPOSE, {"t": pending.territory_id, "r": pending.pk}, single_use=True)


def pending_request(*, territory: Territory, payload: Any) -> PendingSubscription | None:
    """The request a confirmation link designates, or None for a link no longer honoured (an old-style
    link carrying the address, a request confirmed, expired or erased since)."""
    if (
        not isinstance(payload, dict)
        or payload.get("t") != territory.pk
        or not isinstance(payload.get("r"), int)
    ):
        return None
    return (
        PendingSubscription.objects.filter(
            territory=territory, pk=payload["r"], consent_at__gte=timezone.now() - PENDING_RETENTION
        )
        .select_related("commune")
        .first()
    )


@transaction.atomic
def request_subscription(*, territory: Territory, email: str, commune: Commune | None = None) -> bool:
    """Keep the request and send its confirmation link to `email` (after commit). Returns whether a mail
    was sent (never shown to the person: the page answers the same whether the address is known or not)."""
    email = normalise_email(email)
    if Subscriber.objects.filter(
        territory=territory, email=email, status=Subscriber.Status.CONFIRMED
    ).exists():
        return False  # already subscribed: nothing to do, nothing revealed
    if commune is not None and not territory.communes.filter(pk=commune.pk).exists():
        commune = None
    pending = PendingSubscription.objects.create(
        territory=territory, email=email, commune=commune, consent_at=timezone.now()
    )
    send_mail_on_commit(
        territory=territory,
        to=email,
        template="lettre_confirm",
        context={
            "lettre_title": rendering.lettre_title(),
            "confirm_url": territory_url(territory, "newsletter:confirm", token=confirmation_token(pending)),
            "consent_text": CONSENT_TEXT,
        },
    )
    return True


@transaction.atomic
def confirm_subscription(*, territory: Territory, payload: Any) -> Subscriber:
    """Create (or re-activate) the subscriber of a confirmation link's request; the consent is recorded
    with the date the form was sent and its exact text. The address's pending requests are deleted."""
    if isinstance(payload, dict) and payload.get("t") not in (None, territory.pk):
        raise ValidationError("Ce lien a été envoyé pour un autre territoire.")
    pending = pending_request(territory=territory, payload=payload)
    if pending is None:
        raise ValidationError(STALE_LINK_MESSAGE)
    email, commune, consent_at = pending.email, pending.commune, pending.consent_at
    now = timezone.now()
    subscriber, created = Subscriber.objects.get_or_create(
        territory=territory,
        email=email,
        defaults={
            "commune": commune,
            "consent_text": CONSENT_TEXT,
            "consent_at": consent_at,
            "confirmed_at": now,
        },
    )
    if not created:
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.commune = commune
        subscriber.consent_text = CONSENT_TEXT
        subscriber.consent_at = consent_at
        subscriber.confirmed_at = now
        subscriber.unsubscribed_at = None
        subscriber.save()
    PendingSubscription.objects.filter(territory=territory, email=email).delete()
    return subscriber


@transaction.atomic
def unsubscribe(*, territory: Territory, payload: dict[str, Any]) -> Subscriber | None:
    """Unsubscribe the address a link was made for. Idempotent (a second POST changes nothing)."""
    if payload.get("t") != territory.pk:
        raise ValidationError("Ce lien a été envoyé pour un autre territoire.")
    subscriber = Subscriber.objects.filter(territory=territory, pk=payload.get("s")).first()
    if subscriber is None or subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        return subscriber
    subscriber.status = Subscriber.Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.save(update_fields=["status", "unsubscribed_at"])
    return subscriber


# --- segments -----------------------------------------------------------------------------------------


def _emails_of(users: QuerySet) -> QuerySet:
    return users.annotate(lower_email=Lower("email")).values("lower_email")


def segment_subscribers(territory: Territory, segment: str, value: str = "") -> QuerySet[Subscriber]:
    """The confirmed subscribers a segment designates."""
    qs = Subscriber.objects.filter(territory=territory, status=Subscriber.Status.CONFIRMED)
    if segment == Issue.Segment.ALL:
        return qs
    if segment == Issue.Segment.MEMBERS:
        users = User.objects.filter(
            pk__in=Membership.objects.filter(
                structure__territory=territory, structure__status=Structure.Status.PUBLISHED
            ).values("user_id")
        )
        return qs.filter(email__in=_emails_of(users))
    if segment == Issue.Segment.ATELIER:
        atelier = Atelier.objects.filter(territory=territory, pk=int(value) if value.isdigit() else 0).first()
        if atelier is None:
            return qs.none()
        users = User.objects.filter(
            pk__in=AtelierMember.objects.filter(atelier=atelier, status=AtelierMember.Status.ACTIVE).values(
                "user_id"
            )
        )
        return qs.filter(email__in=_emails_of(users))
    if segment == Issue.Segment.COMMUNE:
        return qs.filter(commune__insee_code=value) if value else qs.none()
    return qs.none()


def segment_choices(territory: Territory) -> dict[str, list[tuple[str, str]]]:
    return {
        "atelier": [
            (str(a.pk), a.name) for a in Atelier.objects.filter(territory=territory, is_archived=False)
        ],
        "commune": [(c.insee_code, c.name) for c in territory.communes.order_by("name")],
    }


def _check_segment(territory: Territory, segment: str, value: str) -> str:
    if segment not in Issue.Segment.values:
        raise ValidationError({"segment": "Choisissez des destinataires dans la liste."})
    if segment == Issue.Segment.ATELIER:
        if not Atelier.objects.filter(territory=territory, pk=int(value) if value.isdigit() else 0).exists():
            raise ValidationError(
                {"segment_value": "Choisissez l'atelier dont les membres recevront ce numéro."}
            )
        return value
    if segment == Issue.Segment.COMMUNE:
        if not territory.communes.filter(insee_code=value).exists():
            raise ValidationError({"segment_value": "Choisissez une commune du territoire."})
        return value
    return ""


# --- issues -------------------------------------------------------------------------------------------


def _log(issue: Issue, actor: Any, from_status: str, to_status: str) -> None:
    if to_status not in ISSUE_TRANSITIONS[from_status]:
        raise ValidationError(f"Un numéro ne peut pas passer de « {from_status} » à « {to_status} ».")
    IssueTransition.objects.create(
        issue=issue,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to_status,
    )


def _check_providers(providers: list[str]) -> list[str]:
    unknown = [p for p in providers if p not in registry.content_providers]
    if unknown:
        raise ValidationError({"providers": "Une rubrique choisie n'existe pas : " + ", ".join(unknown)})
    # The editorial opens the issue; the other blocks follow in the order given.
    ordered = list(dict.fromkeys(providers))
    return sorted(ordered, key=lambda key: key != rendering.EDITORIAL_PROVIDER)


@transaction.atomic
def create_issue(
    *,
    actor: Any,
    territory: Territory,
    title: str,
    editorial: str = "",
    providers: list[str] | None = None,
    segment: str = Issue.Segment.ALL,
    segment_value: str = "",
) -> Issue:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Donnez un titre à ce numéro."})
    segment_value = _check_segment(territory, segment, segment_value)
    number = (Issue.objects.filter(territory=territory).aggregate(n=Max("number"))["n"] or 0) + 1
    issue = Issue.objects.create(
        territory=territory,
        number=number,
        title=title,
        editorial=editorial or "",
        providers=_check_providers(providers or []),
        segment=segment,
        segment_value=segment_value,
        created_by=actor,
    )
    compose_issue(actor=actor, issue=issue)
    return issue


@transaction.atomic
def update_issue(
    *,
    actor: Any,
    issue: Issue,
    title: str,
    editorial: str,
    providers: list[str],
    segment: str,
    segment_value: str = "",
) -> Issue:
    if not Issue.objects.filter(pk=issue.pk, status=Issue.Status.DRAFT).exists():
        raise ValidationError("Ce numéro a déjà été envoyé : il ne peut plus être modifié.")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Donnez un titre à ce numéro."})
    issue.segment_value = _check_segment(issue.territory, segment, segment_value)
    issue.title = title
    issue.editorial = editorial or ""
    issue.providers = _check_providers(providers)
    issue.segment = segment
    issue.save()
    compose_issue(actor=actor, issue=issue)
    return issue


def issue_since(issue: Issue) -> dt.datetime:
    """News since the previous issue was sent (or a month before this one was created)."""
    previous = (
        Issue.objects.filter(territory=issue.territory, number__lt=issue.number, sent_at__isnull=False)
        .order_by("-number")
        .values_list("sent_at", flat=True)
        .first()
    )
    return previous or (issue.created_at or timezone.now()) - DEFAULT_SINCE


def compose_issue(*, actor: Any, issue: Issue) -> Issue:
    """Build the issue's blocks from the chosen content providers and store them (the archive shows what
    was sent, even if the providers' data change later)."""
    since = issue_since(issue)
    blocks = []
    for key in issue.providers:
        provider = registry.content_providers.get(key)
        if provider is None:
            continue
        options = {"text": issue.editorial} if key == rendering.EDITORIAL_PROVIDER else {}
        block = provider.build(territory=issue.territory, since=since, options=options)
        if block is None:
            continue
        blocks.append(
            {
                "provider": key,
                "title": str(block.title),
                "html": sanitize_html(str(block.html)),
                "text": block.text,
            }
        )
    issue.blocks = blocks
    issue.since = since
    issue.composed_at = timezone.now()
    issue.save(update_fields=["blocks", "since", "composed_at"])
    return issue


def send_test(*, actor: Any, issue: Issue, to: str) -> str:
    """Send the issue to one address (the animator's), marked as a test; returns the Message-ID."""
    to = normalise_email(to)
    prepared = rendering.prepare(issue, test=True)
    message = prepared.message_for(
        to=to,
        unsubscribe_url=territory_url(issue.territory, "newsletter:subscribe"),
        message_id=None,
    )
    return send_prepared_message_on_commit(message)


@transaction.atomic
def start_sending(*, actor: Any, issue: Issue) -> int:
    """Send the issue to its segment: draft → sending (once: a second click is refused and sends nothing),
    one pending delivery per recipient, the first batch enqueued on commit. Returns the recipient count."""
    now = timezone.now()
    recipients = list(
        segment_subscribers(issue.territory, issue.segment, issue.segment_value).values_list("pk", flat=True)
    )
    if not recipients:
        raise ValidationError("Aucun abonné ne correspond à ces destinataires : rien n'a été envoyé.")
    flipped = Issue.objects.filter(pk=issue.pk, status=Issue.Status.DRAFT).update(
        status=Issue.Status.SENDING, send_started_at=now, last_progress_at=now
    )
    if not flipped:
        raise ValidationError(
            "Ce numéro est déjà en cours d'envoi ou envoyé : il n'a pas été envoyé une seconde fois."
        )
    _log(issue, actor, Issue.Status.DRAFT, Issue.Status.SENDING)
    Delivery.objects.bulk_create(
        [Delivery(issue=issue, subscriber_id=pk) for pk in recipients], batch_size=1000, ignore_conflicts=True
    )
    issue.refresh_from_db()
    enqueue_on_commit(tasks.deliver_issue_task, issue.pk)
    return len(recipients)

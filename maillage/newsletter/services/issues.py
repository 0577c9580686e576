"""Issues of the lettre: segments, writing and composing, the test send, the start of the sending.

`start_sending` moves the issue draft → sending through core's machine (a double click finds it no longer a
draft and sends nothing), creates one « pending » delivery per recipient and enqueues the sending engine
(`services.sending`) on commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from maillage.accounts.models import User
from maillage.actors.models import Membership, Structure
from maillage.core.actors import Actor, require_actor
from maillage.core.machines import TransitionError, log_creation, transition
from maillage.core.mail import send_prepared_message_on_commit, territory_url
from maillage.core.models import Territory
from maillage.core.registry import registry
from maillage.core.tasks import enqueue_with_transaction
from maillage.core.text import sanitize_html
from maillage.newsletter import permissions, rendering
from maillage.newsletter.models import Delivery, Issue, Subscriber
from maillage.newsletter.services._people import person_of
from maillage.newsletter.services.sending import deliver_issue_task
from maillage.newsletter.services.subscriptions import normalise_email
from maillage.workspace.models import Atelier, AtelierMember

DEFAULT_SINCE = dt.timedelta(days=31)
ALREADY_SENT = "Ce numéro est déjà en cours d'envoi ou envoyé : il n'a pas été envoyé une seconde fois."


def _check_manager(actor: Actor, territory: Territory) -> None:
    require_actor(actor)
    if not permissions.can_manage(actor, territory):
        raise PermissionDenied("Réservé à l'équipe d'animation du territoire.")


def _emails_of(users: QuerySet) -> QuerySet:
    return users.annotate(lower_email=Lower("email")).values("lower_email")


def segment_subscribers(territory: Territory, segment: str, value: str = "") -> QuerySet[Subscriber]:
    """The confirmed subscribers a segment designates."""
    qs = Subscriber.objects.filter(territory=territory).confirmed()
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
    actor: Actor,
    territory: Territory,
    title: str,
    editorial: str = "",
    providers: list[str] | None = None,
    segment: str = Issue.Segment.ALL,
    segment_value: str = "",
) -> Issue:
    _check_manager(actor, territory)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Donnez un titre à ce numéro."})
    segment_value = _check_segment(territory, segment, segment_value)
    issue = Issue.objects.create(
        territory=territory,
        number=_next_number(territory),
        title=title,
        editorial=editorial or "",
        providers=_check_providers(providers or []),
        segment=segment,
        segment_value=segment_value,
        created_by=person_of(actor),
    )
    compose_issue(actor=actor, issue=issue)
    return issue


def _next_number(territory: Territory) -> int:
    return (Issue.objects.filter(territory=territory).aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def record_issue(
    *,
    actor: Actor,
    territory: Territory,
    number: int,
    title: str,
    blocks: list[dict[str, str]],
    sent_at: dt.datetime | None,
    editorial: str = "",
    providers: list[str] | None = None,
    since: dt.datetime | None = None,
) -> Issue:
    """An issue as it was (the demo's past issues, the registry's examples): found by number, else created
    already composed — sent at `sent_at`, or a draft when it is None. Its log starts at that state."""
    _check_manager(actor, territory)
    existing = Issue.objects.filter(territory=territory, number=number).first()
    if existing is not None:
        return existing
    issue = Issue.objects.create(
        territory=territory,
        number=number,
        title=title,
        editorial=editorial,
        providers=list(providers or []),
        blocks=blocks,
        since=since,
        status=Issue.Status.SENT if sent_at else Issue.Status.DRAFT,
        composed_at=sent_at or timezone.now(),
        send_started_at=sent_at,
        sent_at=sent_at,
        created_by=person_of(actor),
    )
    log_creation(issue, actor=actor, note="numéro repris tel qu'il a été composé")
    return issue


@transaction.atomic
def update_issue(
    *,
    actor: Actor,
    issue: Issue,
    title: str,
    editorial: str,
    providers: list[str],
    segment: str,
    segment_value: str = "",
) -> Issue:
    _check_manager(actor, issue.territory)
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
    issue.save(update_fields=["segment_value", "title", "editorial", "providers", "segment"])
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


def compose_blocks(
    territory: Territory, providers: list[str], editorial: str, since: dt.datetime, until: Any = None
) -> list[dict[str, str]]:
    """The blocks of the chosen content providers, sanitised (`until`: an archive composed after the fact)."""
    blocks = []
    for key in providers:
        provider = registry.content_providers.get(key)
        if provider is None:
            continue
        options: dict[str, Any] = {"text": editorial} if key == rendering.EDITORIAL_PROVIDER else {}
        if until is not None and key != rendering.EDITORIAL_PROVIDER:
            options["until"] = until
        block = provider.build(territory=territory, since=since, options=options)
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
    return blocks


@transaction.atomic
def compose_issue(*, actor: Actor, issue: Issue) -> Issue:
    """Build the issue's blocks from the chosen content providers and store them (the archive shows what
    was sent, even if the providers' data change later)."""
    _check_manager(actor, issue.territory)
    since = issue_since(issue)
    issue.blocks = compose_blocks(issue.territory, issue.providers, issue.editorial, since)
    issue.since = since
    issue.composed_at = timezone.now()
    issue.save(update_fields=["blocks", "since", "composed_at"])
    return issue


def send_test(*, actor: Actor, issue: Issue, to: str) -> str:
    """Send the issue to one address (the animator's), marked as a test; returns the Message-ID."""
    _check_manager(actor, issue.territory)
    to = normalise_email(to)
    prepared = rendering.prepare(issue, test=True)
    message = prepared.message_for(
        to=to,
        unsubscribe_url=territory_url(issue.territory, "newsletter:subscribe"),
        message_id=None,
    )
    return send_prepared_message_on_commit(message)


@transaction.atomic
def start_sending(*, actor: Actor, issue: Issue) -> int:
    """Send the issue to its segment: draft → sending (once: a second click is refused and sends nothing),
    one pending delivery per recipient, the first batch enqueued on commit. Returns the recipient count."""
    _check_manager(actor, issue.territory)
    now = timezone.now()
    recipients = list(
        segment_subscribers(issue.territory, issue.segment, issue.segment_value).values_list("pk", flat=True)
    )
    if not recipients:
        raise ValidationError("Aucun abonné ne correspond à ces destinataires : rien n'a été envoyé.")
    try:
        transition(
            issue,
            Issue.Status.SENDING,
            actor=actor,
            note=f"{len(recipients)} destinataire(s)",
            also={"send_started_at": now, "last_progress_at": now},
        )
    except TransitionError:
        raise ValidationError(ALREADY_SENT) from None
    # A delivery is born « pending » with this line of its issue's log (no creation line per delivery).
    Delivery.objects.bulk_create(
        [Delivery(issue=issue, subscriber_id=pk) for pk in recipients], batch_size=1000, ignore_conflicts=True
    )
    issue.refresh_from_db()
    enqueue_with_transaction(deliver_issue_task, issue.pk)  # not ten minutes late after a kill
    return len(recipients)

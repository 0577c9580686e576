"""« Vis ma vie »: the campaign (animation), the volunteers' registration, availability and wishes, the
pairing (the optimiser of `scheduler.pairing`, run synchronously: a few hundred volunteers pair in well under
a second), each side's confirmation from the mail, and the testimonies after the exchange."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from maillage.core.actors import Actor, require_actor, user_of
from maillage.core.machines import log_creation, transition
from maillage.core.models import Territory
from maillage.matchmaking.models import (
    CampaignStatus,
    Exchange,
    ExchangeCampaign,
    ExchangeStatus,
    Testimony,
    TestimonyStatus,
    Volunteer,
)
from maillage.matchmaking.permissions import require_animator, require_volunteer
from maillage.matchmaking.scheduler import ScheduleConflict, SolverSettings, pair_volunteers
from maillage.matchmaking.scheduler import Volunteer as PairingVolunteer
from maillage.notifications.services import notify

EXCHANGE_PROPOSED = "matchmaking_exchange_proposed"
EXCHANGE_CONFIRMED = "matchmaking_exchange_confirmed"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text: str) -> str:
    return CONTROL.sub("", text or "").strip()


@transaction.atomic
def create_campaign(
    *,
    actor: Actor,
    territory: Territory,
    title: str,
    first_date: dt.date,
    last_date: dt.date,
    registration_deadline: dt.date,
    description: str = "",
    side_a: str = "Structures d'insertion",
    side_b: str = "Entreprises",
) -> ExchangeCampaign:
    require_animator(actor, territory)
    errors = {}
    if not _clean(title):
        errors["title"] = "Donnez un titre à la campagne."
    if last_date < first_date:
        errors["last_date"] = "La dernière date doit suivre la première."
    elif (last_date - first_date).days > 366:
        errors["last_date"] = "Une campagne dure un an au plus."
    if registration_deadline > first_date:
        errors["registration_deadline"] = "Les inscriptions doivent se clore avant la première date."
    if not _clean(side_a) or not _clean(side_b):
        errors["side_b"] = "Nommez les deux côtés."
    if errors:
        raise ValidationError(errors)
    campaign = ExchangeCampaign.objects.create(
        territory=territory,
        title=_clean(title),
        description=_clean(description),
        side_a=_clean(side_a),
        side_b=_clean(side_b),
        first_date=first_date,
        last_date=last_date,
        registration_deadline=registration_deadline,
    )
    log_creation(campaign, actor=actor)
    return campaign


@transaction.atomic
def transition_campaign(*, actor: Actor, campaign: ExchangeCampaign, to: str) -> ExchangeCampaign:
    require_animator(actor, campaign.territory)
    if to == CampaignStatus.PAIRED:
        raise ValidationError("Les binômes se forment avec le bouton « Former les binômes ».")
    return transition(campaign, to, actor=actor)


def _check_dates(campaign: ExchangeCampaign, dates: list[dt.date]) -> list[str]:
    window = set(campaign.days())
    outside = sorted(d for d in dates if d not in window)
    if outside:
        first, last = f"{campaign.first_date:%d/%m/%Y}", f"{campaign.last_date:%d/%m/%Y}"
        return [f"Choisissez des dates entre le {first} et le {last}."]
    if len(set(dates)) < 2:
        return ["Indiquez au moins deux dates : une pour accueillir, une pour être accueilli."]
    return []


@transaction.atomic
def register_volunteer(
    *,
    actor: Actor,
    campaign: ExchangeCampaign,
    side: str,
    name: str,
    structure_name: str,
    dates: list[dt.date],
    role: str = "",
    presentation: str = "",
    structure: Any = None,
    by_animation: bool = False,
) -> Volunteer:
    """Register the signed-in person (or update their registration) while the campaign is open; with
    `by_animation`, the animation records a volunteer without an account (who answered by phone)."""
    require_actor(actor)
    user = user_of(actor)
    if by_animation:
        require_animator(actor, campaign.territory)
        user = None
    elif user is None:
        raise ValidationError("Connectez-vous pour vous porter volontaire.")
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError("Les inscriptions de cette campagne ne sont pas ouvertes.")
    errors: dict[str, list[str]] = {}
    if side not in ("a", "b"):
        errors["side"] = ["Choisissez votre côté."]
    if not _clean(name):
        errors["name"] = ["Indiquez votre nom."]
    if not _clean(structure_name):
        errors["structure_name"] = ["Indiquez votre structure ou votre entreprise."]
    if len(presentation) > 1000:
        errors["presentation"] = ["Présentez-vous en 1 000 caractères au plus."]
    date_errors = _check_dates(campaign, dates)
    if date_errors:
        errors["dates"] = date_errors
    if errors:
        raise ValidationError(errors)
    fields = {
        "name": _clean(name),
        "role": _clean(role),
        "structure": structure,
        "structure_name": _clean(structure_name),
        "side": side,
        "dates": sorted({d.isoformat() for d in dates}),
        "presentation": _clean(presentation),
        "withdrawn": False,
    }
    if user is None:
        return Volunteer.objects.create(campaign=campaign, **fields)
    volunteer, _created = Volunteer.objects.update_or_create(campaign=campaign, user=user, defaults=fields)
    return volunteer


@transaction.atomic
def save_volunteer_wishes(*, actor: Actor, volunteer: Volunteer, wished: list[int]) -> Volunteer:
    """Rank volunteers of the other side (most wanted first), while the campaign is open."""
    require_volunteer(actor, volunteer)
    if volunteer.campaign.status != CampaignStatus.OPEN:
        raise ValidationError("Les vœux de cette campagne sont clos.")
    if len(wished) != len(set(wished)):
        raise ValidationError("Chaque personne ne peut avoir qu'un rang.")
    others = set(
        volunteer.campaign.volunteers.filter(withdrawn=False)
        .exclude(side=volunteer.side)
        .values_list("pk", flat=True)
    )
    unknown = [pk for pk in wished if pk not in others]
    if unknown:
        raise ValidationError("Vous ne pouvez classer que des volontaires de l'autre côté encore inscrits.")
    if len(wished) > 10:
        raise ValidationError("Classez dix personnes au plus.")
    volunteer.wishes = list(wished)
    volunteer.save(update_fields=["wishes"])
    return volunteer


@transaction.atomic
def withdraw_volunteer(*, actor: Actor, volunteer: Volunteer) -> Volunteer:
    require_volunteer(actor, volunteer)
    if volunteer.campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.OPEN, CampaignStatus.CLOSED):
        raise ValidationError("Les binômes sont formés : écrivez à l'animation pour vous retirer.")
    volunteer.withdrawn = True
    volunteer.save(update_fields=["withdrawn"])
    return volunteer


def form_pairs(*, actor: Actor, campaign: ExchangeCampaign) -> list[Exchange]:
    """Pair the volunteers (inscriptions closed). Confirmed pairs stay; pairs still proposed are formed again;
    a declined pair is never proposed again. Impossible: the French messages are kept on the campaign, a
    ValidationError is raised and nothing else changes."""
    require_animator(actor, campaign.territory)
    if campaign.status != CampaignStatus.CLOSED:
        raise ValidationError("Closez d'abord les inscriptions pour former les binômes.")
    kept = campaign.exchanges.filter(status=ExchangeStatus.CONFIRMED)
    busy = {pk for e in kept for pk in (e.a_id, e.b_id)}
    declined = {(e.a_id, e.b_id) for e in campaign.exchanges.filter(status=ExchangeStatus.DECLINED)}
    volunteers = [v for v in campaign.volunteers.filter(withdrawn=False) if v.pk not in busy]
    present = {v.pk for v in volunteers}
    wishes = {v.pk: [w for w in v.wishes if w in present] for v in volunteers}
    try:
        pairing = pair_volunteers(
            [PairingVolunteer(key=v.pk, label=v.label, side=v.side, dates=v.date_set()) for v in volunteers],
            wishes,
            refusals=declined,
            settings=SolverSettings(time_limit=5.0),
        )
    except ScheduleConflict as conflict:
        ExchangeCampaign.objects.filter(pk=campaign.pk).update(messages=conflict.messages)
        campaign.messages = conflict.messages
        raise ValidationError(conflict.messages) from conflict
    by_pk = {v.pk: v for v in volunteers}
    created = []
    with transaction.atomic():
        campaign.exchanges.filter(status=ExchangeStatus.PROPOSED).delete()
        for couple in pairing.couples:
            exchange = Exchange.objects.create(
                campaign=campaign,
                a=by_pk[couple.a],
                b=by_pk[couple.b],
                first_date=couple.first,
                second_date=couple.second,
                wished=couple.b in wishes.get(couple.a, []) or couple.a in wishes.get(couple.b, []),
            )
            log_creation(exchange, actor=actor)
            created.append(exchange)
        campaign.levels = [
            {"name": lv.name, "value": lv.value, "bound": lv.bound, "optimal": lv.optimal}
            for lv in pairing.levels
        ]
        campaign.messages = []
        campaign.save(update_fields=["levels", "messages"])
        transition(campaign, CampaignStatus.PAIRED, actor=actor, note=f"{len(created)} binôme(s)")
        for exchange in created:
            _tell_pair(exchange, actor=actor, proposed=True)
    return created


def _tell_pair(exchange: Exchange, *, actor: Actor, proposed: bool) -> None:
    url = reverse("matchmaking:exchange", kwargs={"pk": exchange.pk})
    for me in (exchange.a, exchange.b):
        if me.user is None:
            continue
        partner = exchange.partner_of(me)
        if proposed:
            title = f"Vis ma vie : votre binôme avec {partner.label}, confirmez-le"
            kind = EXCHANGE_PROPOSED
        else:
            title = f"Vis ma vie : votre binôme avec {partner.label} est confirmé"
            kind = EXCHANGE_CONFIRMED
        body = (
            f"Le {exchange.first_date:%d/%m/%Y}, {exchange.a.label} accueille {exchange.b.label} ; "
            f"le {exchange.second_date:%d/%m/%Y}, {exchange.b.label} accueille {exchange.a.label}."
        )
        notify(
            kind=kind,
            territory=exchange.campaign.territory,
            recipients=[me.user],
            title=title,
            body=body,
            url=url,
            actor=actor,
        )


@transaction.atomic
def confirm_exchange(*, actor: Actor, exchange: Exchange, volunteer: Volunteer) -> Exchange:
    require_volunteer(actor, volunteer)
    if volunteer.pk not in (exchange.a_id, exchange.b_id):
        raise ValidationError("Ce binôme n'est pas le vôtre.")
    if exchange.status != ExchangeStatus.PROPOSED:
        raise ValidationError(f"Ce binôme est déjà {exchange.get_status_display()}.")
    field = "a_confirmed_at" if volunteer.pk == exchange.a_id else "b_confirmed_at"
    setattr(exchange, field, timezone.now())
    exchange.save(update_fields=[field])
    if exchange.a_confirmed_at and exchange.b_confirmed_at:
        transition(exchange, ExchangeStatus.CONFIRMED, actor=actor, note="confirmé par les deux")
        _tell_pair(exchange, actor=actor, proposed=False)
    return exchange


@transaction.atomic
def decline_exchange(*, actor: Actor, exchange: Exchange, volunteer: Volunteer) -> Exchange:
    require_volunteer(actor, volunteer)
    if volunteer.pk not in (exchange.a_id, exchange.b_id):
        raise ValidationError("Ce binôme n'est pas le vôtre.")
    if exchange.status != ExchangeStatus.PROPOSED:
        raise ValidationError(f"Ce binôme est déjà {exchange.get_status_display()}.")
    return transition(exchange, ExchangeStatus.DECLINED, actor=actor, note=f"décliné par {volunteer.label}")


@transaction.atomic
def submit_testimony(
    *, actor: Actor, exchange: Exchange, volunteer: Volunteer, text: str, consent: bool, today: dt.date
) -> Testimony:
    """After the first day of a confirmed pair, each side tells how it went (to be read by the animation
    before it is published, and only if the author consents)."""
    require_volunteer(actor, volunteer)
    if volunteer.pk not in (exchange.a_id, exchange.b_id):
        raise ValidationError("Ce binôme n'est pas le vôtre.")
    if exchange.status != ExchangeStatus.CONFIRMED or today < exchange.first_date:
        raise ValidationError("Le témoignage s'écrit après la première journée d'un binôme confirmé.")
    text = _clean(text)
    if len(text) < 20:
        raise ValidationError({"text": "Racontez en quelques phrases (20 caractères au moins)."})
    if len(text) > 3000:
        raise ValidationError({"text": "Votre témoignage dépasse 3 000 caractères."})
    testimony = Testimony.objects.filter(exchange=exchange, author=volunteer).first()
    if testimony is None:
        testimony = Testimony.objects.create(exchange=exchange, author=volunteer, text=text, consent=consent)
        log_creation(testimony, actor=actor)
    elif testimony.status != TestimonyStatus.SUBMITTED:
        raise ValidationError("L'animation a déjà relu votre témoignage : il ne se modifie plus.")
    else:
        testimony.text, testimony.consent = text, consent
        testimony.save(update_fields=["text", "consent"])
    return testimony


@transaction.atomic
def moderate_testimony(*, actor: Actor, testimony: Testimony, publish: bool) -> Testimony:
    require_animator(actor, testimony.exchange.campaign.territory)
    if publish and not testimony.consent:
        raise ValidationError("Son auteur n'a pas accepté que ce témoignage soit publié.")
    to = TestimonyStatus.PUBLISHED if publish else TestimonyStatus.REJECTED
    return transition(testimony, to, actor=actor)

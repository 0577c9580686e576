"""Responsible procurement: suppliers' offers, buyers' needs, the matching and its sending, the answers, the
outcomes (awarded contracts) and the buyers' purchase ledgers.

- `SupplierOffer`: what a structure of the directory sells, where and at what scale (one per structure, edited
  by its managers). Reserved-contract eligibility is *not* a field: it is read from the structure's inclusion
  kind (`taxonomy.reservations_of`).
- `Need`: a buyer structure's « dépôt de besoin ». Its status: draft → submitted → validated (animation)
  → sent → closed (`NEED_MACHINE`, logged in `NeedTransition`).
- `Recipient`: one supplier a need was matched to, with its score and the score's parts (explained), when
  it was mailed (once: `sent_at`), opened and answered (« intéressé » / « pas intéressé »).
- `Award`: what followed a need (a contract or none), exported as DECP 2.0.3.
- `PurchaseLine`: one line of a buyer's purchase ledger (typed or imported from a CSV).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.actors.models import DECISION_MOVES, Decision, Structure
from maillage.actors.taxonomy import SECTOR_CHOICES
from maillage.core.machines import Machine, TransitionLog, register
from maillage.core.models import Commune, Territory
from maillage.procurement.querysets import (
    AnswerDocumentQuerySet,
    NeedQuerySet,
    PurchaseLineQuerySet,
    RecipientQuerySet,
    ShortlistQuerySet,
)
from maillage.procurement.taxonomy import NeedKind, OfferType, Perimeter, Reserved, TurnoverBand


class SupplierOffer(models.Model):
    structure = models.OneToOneField(Structure, on_delete=models.CASCADE, related_name="supplier_offer")
    # What it sells, as ",goods,services," (a plain text field: one `contains` lookup on every database).
    offer_types = models.CharField(_("ce que la structure vend"), max_length=60, default="", blank=True)
    summary = models.TextField(_("présentation de l'offre"), blank=True)
    perimeter = models.CharField(
        _("périmètre servi"),
        max_length=12,
        choices=Perimeter.choices,
        default=Perimeter.DEPARTMENT,
        db_index=True,
    )
    radius_km = models.PositiveIntegerField(_("rayon (km)"), null=True, blank=True)
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="+", verbose_name=_("communes servies")
    )
    staff = models.PositiveIntegerField(_("effectif (personnes)"), null=True, blank=True)
    turnover_band = models.CharField(
        _("chiffre d'affaires annuel"), max_length=8, choices=TurnoverBand.choices, default="", blank=True
    )
    labels = models.JSONField(_("labels et certifications"), default=list, blank=True)
    # How many client references the offer has: kept by the reference services in their transaction, so the
    # matching scores references without a subquery per candidate.
    references_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("offre de fournisseur")
        verbose_name_plural = _("offres de fournisseurs")

    def __str__(self) -> str:
        return f"Offre de {self.structure}"

    @property
    def offer_type_list(self) -> list[str]:
        return [t for t in self.offer_types.split(",") if t in OfferType.values]

    def offer_type_labels(self) -> list[str]:
        return [str(OfferType(t).label) for t in self.offer_type_list]


class MatchRow(models.Model):
    """The matching's narrow copy of one supplier offer and of its structure: what the ranking reads, so that
    it scans one small table instead of joining the structures' and offers' wide rows (#15's speeds). Written
    by `services.rows` in the transaction of every write of the offer (its services) and of the structure
    (the directory's services call it through the registry's `StructureMirror`); never edited by hand.

    `latitude`/`longitude` are the structure's position, else its commune's centroid; `insee_code` its
    commune's; `sector_bits` and `offer_bits` one bit per sector (`actors.taxonomy.sector_bits`) and per
    offer type (`taxonomy.offer_bits`); `fixed_points` the score's parts that depend on the offer alone
    (capacity and references, `matching.fixed_points`)."""

    offer = models.OneToOneField(
        SupplierOffer, on_delete=models.CASCADE, primary_key=True, related_name="match_row"
    )
    structure = models.OneToOneField(Structure, on_delete=models.CASCADE, related_name="+")
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    published = models.BooleanField(default=False)
    name = models.CharField(max_length=250)
    inclusion_kind = models.CharField(max_length=10, blank=True)
    insee_code = models.CharField(max_length=5, blank=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    sector_bits = models.BigIntegerField(default=0)
    offer_bits = models.PositiveSmallIntegerField(default=0)
    perimeter = models.CharField(max_length=12)
    radius_km = models.PositiveIntegerField(null=True)
    fixed_points = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["territory", "published"], name="procurement_matchrow_live")]

    def __str__(self) -> str:
        return f"Ligne de rapprochement de {self.name}"


class OfferProposal(models.Model):
    """A manager's edit of a supplier offer, waiting for the moderation (like the directory's edit proposals):
    `data` holds the proposed values (`OFFER_FIELDS`, communes as primary keys). The offer itself stays the
    accepted, public version until the proposal is accepted."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="offer_proposals")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    reason = models.CharField(_("motif du refus"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("modification d'offre proposée")
        verbose_name_plural = _("modifications d'offres proposées")

    def __str__(self) -> str:
        return f"Modification de l'offre de {self.structure}"


OFFER_PROPOSAL_MACHINE = register(
    Machine(
        model="procurement.OfferProposal", moves=DECISION_MOVES, log="procurement.OfferProposalTransition"
    )
)


class OfferProposalTransition(TransitionLog):
    proposal = models.ForeignKey(OfferProposal, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("décision sur une modification d'offre")


class ClientReference(models.Model):
    offer = models.ForeignKey(SupplierOffer, on_delete=models.CASCADE, related_name="references")
    client = models.CharField(_("client"), max_length=200)
    year = models.PositiveIntegerField(_("année"))
    text = models.CharField(_("prestation"), max_length=300)

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("référence client")
        verbose_name_plural = _("références clients")

    def __str__(self) -> str:
        return f"{self.client} ({self.year})"


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    SUBMITTED = "submitted", _("soumis à l'animation")
    VALIDATED = "validated", _("validé")
    SENT = "sent", _("envoyé aux fournisseurs")
    CLOSED = "closed", _("clos")


class Need(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="procurement_needs")
    buyer = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="procurement_needs")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("type de besoin"), max_length=10, choices=NeedKind.choices)
    offer_type = models.CharField(_("nature de l'achat"), max_length=10, choices=OfferType.choices)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"))
    sectors = models.JSONField(_("secteurs"), default=list)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("lieu")
    )
    amount_min = models.DecimalField(_("montant minimum (€ HT)"), max_digits=12, decimal_places=2, null=True)
    amount_max = models.DecimalField(_("montant maximum (€ HT)"), max_digits=12, decimal_places=2, null=True)
    deadline = models.DateField(_("date limite de réponse"))
    start_date = models.DateField(_("début de la prestation"), null=True, blank=True)
    reserved = models.CharField(
        _("marché réservé"), max_length=10, choices=Reserved.choices, default=Reserved.NONE, blank=True
    )
    clause_hours = models.PositiveIntegerField(_("heures d'insertion demandées (clause sociale)"), default=0)
    anonymous = models.BooleanField(_("rester anonyme jusqu'au contact"), default=True)
    batch_size = models.PositiveIntegerField(_("fournisseurs par envoi"), default=10)
    wanted_answers = models.PositiveIntegerField(_("réponses attendues"), default=5)
    status = models.CharField(
        _("statut"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.DRAFT
    )
    outcome_asked_at = models.DateTimeField(null=True, blank=True)  # the buyer was asked what followed
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("besoin d'achat")
        verbose_name_plural = _("besoins d'achat")

    def __str__(self) -> str:
        return self.title

    @property
    def buyer_label(self) -> str:
        return "Acheteur anonyme" if self.anonymous else self.buyer.name


NEED_MACHINE = register(
    Machine(
        model="procurement.Need",
        moves={
            NeedStatus.DRAFT: {NeedStatus.SUBMITTED},
            NeedStatus.SUBMITTED: {NeedStatus.VALIDATED, NeedStatus.DRAFT},
            NeedStatus.VALIDATED: {NeedStatus.SENT, NeedStatus.CLOSED},
            NeedStatus.SENT: {NeedStatus.CLOSED},
            NeedStatus.CLOSED: set(),
        },
        log="procurement.NeedTransition",
    )
)


class NeedTransition(TransitionLog):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement d'état d'un besoin")


def private_storage() -> FileSystemStorage:
    """Need attachments are private (served by a view that checks permissions), like atelier documents."""
    if "private" in settings.STORAGES:
        return storages["private"]  # type: ignore[return-value]
    return FileSystemStorage(location=str(settings.MEDIA_ROOT).rstrip("/") + "-private", base_url=None)


def _attachment_path(instance: NeedAttachment, filename: str) -> str:
    return f"achats/{instance.need_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class NeedAttachment(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=_attachment_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class Answer(models.TextChoices):
    NONE = "", _("pas de réponse")
    INTERESTED = "interested", _("intéressé")
    NOT_INTERESTED = "not_interested", _("pas intéressé")


class MailState(models.TextChoices):
    """The mail to a supplier without a manager account, at its public address (see `services.mailing`)."""

    NONE = "", _("pas de courriel (notification aux gestionnaires)")
    PENDING = "pending", _("en file")
    SENDING = "sending", _("envoi en cours")
    SENT = "sent", _("envoyé")
    FAILED = "failed", _("échec de l'envoi")


# A mail « sending » for longer than this was being handed over when its worker died: its fate is unknown.
MAIL_UNKNOWN_AFTER = dt.timedelta(minutes=10)


class Recipient(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="recipients")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="procurement_matches")
    score = models.PositiveIntegerField(default=0)
    parts = models.JSONField(default=list)  # [{"key", "label", "points", "max", "why"}]
    rank = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=16, choices=Answer.choices, default=Answer.NONE, blank=True)
    message = models.TextField(blank=True)
    reason = models.CharField(max_length=300, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mail_state = models.CharField(
        max_length=10, choices=MailState.choices, default=MailState.NONE, blank=True
    )
    mail_at = models.DateTimeField(null=True, blank=True)  # the mail state's last change

    objects = RecipientQuerySet.as_manager()

    class Meta:
        ordering = ["rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["need", "structure"], name="procurement_recipient_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.need} → {self.structure}"

    @property
    def mail_label(self) -> str:
        """The mail's state as the need's page says it; « état inconnu » for a send its worker never ended."""
        stale = self.mail_at is not None and self.mail_at < timezone.now() - MAIL_UNKNOWN_AFTER
        if self.mail_state == MailState.SENDING and stale:
            return "état inconnu (envoi interrompu, non renvoyé)"
        return str(self.get_mail_state_display()) if self.mail_state else ""


def _answer_document_path(instance: AnswerDocument, filename: str) -> str:
    return f"achats/reponses/{instance.recipient_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class AnswerDocument(models.Model):
    """A document a supplier joined to its answer (private: the buyer, the supplier and the animation)."""

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(storage=private_storage, upload_to=_answer_document_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    added_at = models.DateTimeField(auto_now_add=True)

    objects = AnswerDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Shortlist(models.Model):
    """A buyer structure's named list of suppliers kept from the search (« liste de fournisseurs »)."""

    buyer = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="procurement_shortlists")
    name = models.CharField(_("nom de la liste"), max_length=120)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suppliers = models.ManyToManyField(Structure, through="ShortlistEntry", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShortlistQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("liste de fournisseurs")
        verbose_name_plural = _("listes de fournisseurs")

    def __str__(self) -> str:
        return self.name


class ShortlistEntry(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "structure"], name="procurement_shortlist_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.shortlist} : {self.structure}"


class Award(models.Model):
    need = models.OneToOneField(Need, on_delete=models.CASCADE, related_name="award")
    contract_followed = models.BooleanField(_("un contrat a suivi"))
    supplier = models.ForeignKey(
        Structure, null=True, blank=True, on_delete=models.SET_NULL, related_name="procurement_awards"
    )
    reference = models.CharField(_("numéro du marché"), max_length=16, blank=True)
    amount = models.DecimalField(_("montant (€ HT)"), max_digits=12, decimal_places=2, null=True, blank=True)
    clause_hours = models.PositiveIntegerField(_("heures d'insertion réalisées"), default=0)
    notified_on = models.DateField(_("date de notification"), null=True, blank=True)
    duration_months = models.PositiveIntegerField(_("durée (mois)"), null=True, blank=True)
    cpv = models.CharField(_("code CPV"), max_length=10, blank=True)
    offers_received = models.PositiveIntegerField(_("offres reçues"), default=1)
    published_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Suite de {self.need}"


class PurchaseLine(models.Model):
    buyer = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="purchase_lines")
    year = models.PositiveIntegerField(_("année"), db_index=True)
    date = models.DateField(_("date"), null=True, blank=True)
    supplier_siret = models.CharField(_("SIRET du fournisseur"), max_length=14)
    supplier_name = models.CharField(_("fournisseur"), max_length=250, blank=True)
    supplier = models.ForeignKey(
        Structure, null=True, blank=True, on_delete=models.SET_NULL, related_name="purchases_received"
    )
    amount = models.DecimalField(_("montant (€ HT)"), max_digits=12, decimal_places=2)
    clause_hours = models.PositiveIntegerField(_("heures d'insertion"), default=0)
    label = models.CharField(_("objet"), max_length=300, blank=True)
    # Read from the supplier's structure (or the ledger's commune column) when the line is written.
    is_ess = models.BooleanField(default=False)
    is_siae = models.BooleanField(default=False)
    is_disability = models.BooleanField(default=False)
    is_local = models.BooleanField(default=False)
    imported = models.BooleanField(default=False)  # from a ledger file (a new import of the year replaces it)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PurchaseLineQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "date", "pk"]
        indexes = [
            models.Index(fields=["buyer", "year"], name="procurement_ledger_buyer_year"),
            # The buyer dashboard reads these only: the latest lines (an ordered scan, stopped after 20), and
            # the totals, shares and top suppliers of a year (every column they read, grouped by supplier).
            models.Index(fields=["buyer", "year", "date", "id"], name="procurement_ledger_recent"),
            models.Index(
                fields=[
                    "buyer",
                    "year",
                    "supplier_name",
                    "supplier_siret",
                    "amount",
                    "clause_hours",
                    "is_ess",
                    "is_siae",
                    "is_disability",
                    "is_local",
                ],
                name="procurement_ledger_figures",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_name or self.supplier_siret} : {self.amount} €"


SECTORS = dict(SECTOR_CHOICES)

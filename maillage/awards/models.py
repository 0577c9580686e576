"""The « Trophée des initiatives responsables »: a yearly edition with its categories, the nominations
(self-nominations, or proposals by others that the nominee's managers accept), a jury that scores the
nominees on weighted criteria (ranked by the calls' ranking), the public vote, and the winners.

A public vote keeps no clear address: `Vote.address_hash` is a keyed hash of the normalised address, unique
per category (the database refuses a second vote), and `Vote.token_digest` makes the confirmation
idempotent (a retried POST of the same link finds its vote instead of counting it twice).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.actors.models import Structure
from maillage.awards.querysets import EditionQuerySet, NominationQuerySet, ScoreQuerySet
from maillage.core.machines import Machine, TransitionLog, register
from maillage.core.models import Territory
from maillage.events.models import Event


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("en préparation")
    NOMINATIONS = "nominations", _("candidatures ouvertes")
    VOTING = "voting", _("vote du public ouvert")
    CLOSED = "closed", _("vote clos, délibération")
    PUBLISHED = "published", _("palmarès publié")


class Edition(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="award_editions")
    year = models.PositiveIntegerField(_("année"))
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("présentation"), blank=True)
    status = models.CharField(max_length=20, choices=EditionStatus.choices, default=EditionStatus.DRAFT)
    ceremony = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("cérémonie")
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("édition du Trophée")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "year"], name="awards_one_edition_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class EditionTransition(TransitionLog):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="transitions")


EDITION_MACHINE = register(
    Machine(
        model="awards.Edition",
        moves={
            EditionStatus.DRAFT: {EditionStatus.NOMINATIONS},
            EditionStatus.NOMINATIONS: {EditionStatus.VOTING},
            EditionStatus.VOTING: {EditionStatus.CLOSED},
            EditionStatus.CLOSED: {EditionStatus.PUBLISHED},
            EditionStatus.PUBLISHED: set(),
        },
        log="awards.EditionTransition",
    )
)


class Category(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="categories")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("catégorie"), max_length=150)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("catégorie")
        ordering = ["edition", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["edition", "name"], name="awards_category_name_once")]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(_("critère"), max_length=200)
    weight = models.PositiveIntegerField(_("pondération"), default=1)

    class Meta:
        ordering = ["edition", "position", "pk"]

    def __str__(self) -> str:
        return self.label


class NominationStatus(models.TextChoices):
    PENDING = "pending", _("en attente de l'accord de la structure")
    ACCEPTED = "accepted", _("candidature retenue")
    DECLINED = "declined", _("refusée par la structure")


class Prize(models.TextChoices):
    NONE = "", _("—")
    JURY = "jury", _("prix du jury")
    PUBLIC = "public", _("prix du public")
    BOTH = "both", _("prix du jury et prix du public")


class Nomination(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="nominations")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="award_nominations")
    initiative = models.CharField(_("initiative"), max_length=200)
    pitch = models.TextField(_("pourquoi cette initiative"), blank=True)
    status = models.CharField(
        max_length=20, choices=NominationStatus.choices, default=NominationStatus.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    self_nominated = models.BooleanField(default=False)
    prize = models.CharField(max_length=10, choices=Prize.choices, default=Prize.NONE, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidature au Trophée")
        ordering = ["category", "structure__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "structure"], name="awards_nominated_once_per_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.initiative} — {self.structure}"


class NominationTransition(TransitionLog):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="transitions")


NOMINATION_MACHINE = register(
    Machine(
        model="awards.Nomination",
        moves={
            NominationStatus.PENDING: {NominationStatus.ACCEPTED, NominationStatus.DECLINED},
            NominationStatus.ACCEPTED: set(),
            NominationStatus.DECLINED: set(),
        },
        log="awards.NominationTransition",
    )
)


class Juror(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="jurors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="award_juries")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membre du jury du Trophée")
        constraints = [models.UniqueConstraint(fields=["edition", "user"], name="awards_juror_once")]

    def __str__(self) -> str:
        return str(self.user)


class Conflict(models.Model):
    """A juror's declared tie to a nominee (membership ties are found without declaring)."""

    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="conflicts")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["juror", "structure"], name="awards_conflict_once")]

    def __str__(self) -> str:
        return f"Lien de {self.juror} avec {self.structure}"


class Score(models.Model):
    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="scores")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("note sur 10"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["juror", "nomination", "criterion"], name="awards_score_once"),
            models.CheckConstraint(condition=models.Q(value__lte=10), name="awards_score_max_10"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion} : {self.value}/10"


class Vote(models.Model):
    """One confirmed public vote. No clear address: a keyed hash of it (`services.votes.address_hash`)."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="votes")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="votes")
    address_hash = models.CharField(max_length=64)
    token_digest = models.CharField(max_length=64, unique=True)
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vote du public")
        ordering = ["confirmed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["category", "address_hash"], name="awards_one_vote_per_address")
        ]

    def __str__(self) -> str:
        return f"Vote {self.address_hash[:10]}… ({self.category})"

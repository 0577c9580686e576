"""The register of unmet social needs (« besoins sociaux non ou insuffisamment satisfaits »).

- `NeedCategory`: the categories of a territory (mobilité, logement…), seeded with defaults and editable by
  the animation.
- `Need`: a need reported by a member (signed in) or a citizen (by e-mail, confirmed through a link), with
  its communes or a point, its evidence and its public answers. Its status moves along `NEED_MACHINE`
  (logged in `NeedTransition`, whose note is the public answer): unconfirmed → reported → qualified →
  addressing → met | partly met | duplicate | out of scope.
- `RegisterSettings`: per territory, the atelier whose members may qualify needs (besides the animation).
- `Support`: « je rencontre aussi ce besoin » — once per person (an account or a confirmed address); a
  merge moves the duplicate's supports to the need it is merged into without counting anybody twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.actors.models import Structure
from maillage.core.machines import Machine, TransitionLog, register
from maillage.core.models import Commune, Territory
from maillage.needs.querysets import NeedQuerySet, SupportQuerySet


class NeedCategory(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="need_categories")
    label = models.CharField(_("intitulé"), max_length=80)
    slug = models.SlugField(_("identifiant"), max_length=80)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("proposée"), default=True)

    class Meta:
        verbose_name = _("catégorie de besoin")
        verbose_name_plural = _("catégories de besoins")
        ordering = ["territory", "position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "slug"], name="needs_category_slug_unique"),
            models.UniqueConstraint(fields=["territory", "label"], name="needs_category_label_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class RegisterSettings(models.Model):
    """A territory's settings of the register: the atelier whose members may qualify needs, named by its slug
    and read through core's registry (`GroupMembership` « atelier »): needs import no workspace code."""

    territory = models.OneToOneField(Territory, on_delete=models.CASCADE, related_name="needs_settings")
    atelier_slug = models.SlugField(_("atelier qui qualifie les besoins"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("réglages du registre des besoins")
        verbose_name_plural = _("réglages du registre des besoins")

    def __str__(self) -> str:
        return f"Registre des besoins — {self.territory}"


class NeedStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("en attente de confirmation")
    REPORTED = "reported", _("signalé")
    QUALIFIED = "qualified", _("qualifié")
    ADDRESSING = "addressing", _("en cours de réponse")
    MET = "met", _("satisfait")
    PARTLY_MET = "partly_met", _("partiellement satisfait")
    DUPLICATE = "duplicate", _("fusionné (doublon)")
    OUT_OF_SCOPE = "out_of_scope", _("hors champ")


PUBLIC_STATUSES = [s for s in NeedStatus.values if s != NeedStatus.UNCONFIRMED]
OPEN_STATUSES = [NeedStatus.REPORTED, NeedStatus.QUALIFIED, NeedStatus.ADDRESSING]
CLOSED_STATUSES = [NeedStatus.MET, NeedStatus.PARTLY_MET, NeedStatus.DUPLICATE, NeedStatus.OUT_OF_SCOPE]

# What the animation's buttons say for each move (« duplicate » is reached by a merge only).
MOVE_LABELS: dict[str, str] = {
    NeedStatus.REPORTED: "Revenir à « signalé »",
    NeedStatus.QUALIFIED: "Qualifier le besoin",
    NeedStatus.ADDRESSING: "Marquer « en cours de réponse »",
    NeedStatus.MET: "Marquer « satisfait »",
    NeedStatus.PARTLY_MET: "Marquer « partiellement satisfait »",
    NeedStatus.OUT_OF_SCOPE: "Classer hors champ",
}


class Need(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="needs")
    title = models.CharField(_("titre"), max_length=160)
    description = models.TextField(_("description"))
    category = models.ForeignKey(
        NeedCategory, on_delete=models.PROTECT, related_name="needs", verbose_name=_("catégorie")
    )
    public_concerned = models.CharField(_("public concerné"), max_length=200, blank=True)
    communes = models.ManyToManyField(Commune, related_name="needs", blank=True, verbose_name=_("communes"))
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    evidence = models.TextField(_("éléments à l'appui (chiffres et sources, témoignages)"), blank=True)
    synthesis = models.TextField(_("synthèse de qualification"), blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_email = models.EmailField(_("adresse de la personne qui signale"), blank=True)
    reporter_name = models.CharField(_("nom affiché"), max_length=120, blank=True)
    anonymous = models.BooleanField(_("rester anonyme en public"), default=False)
    status = models.CharField(
        _("statut"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.REPORTED
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="absorbed"
    )
    structures = models.ManyToManyField(
        Structure, related_name="answered_needs", blank=True, verbose_name=_("structures qui y répondent")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("besoin social")
        verbose_name_plural = _("besoins sociaux")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="needs_need_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180)),
                name="needs_need_point_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def public_reporter(self) -> str:
        if self.anonymous:
            return "Une personne du territoire (anonyme)"
        return self.reporter_name or "Une personne du territoire"


NEED_MACHINE = register(
    Machine(
        model="needs.Need",
        moves={
            NeedStatus.UNCONFIRMED: {NeedStatus.REPORTED},
            NeedStatus.REPORTED: {
                NeedStatus.QUALIFIED,
                NeedStatus.DUPLICATE,
                NeedStatus.OUT_OF_SCOPE,
            },
            NeedStatus.QUALIFIED: {
                NeedStatus.ADDRESSING,
                NeedStatus.REPORTED,
                NeedStatus.DUPLICATE,
                NeedStatus.OUT_OF_SCOPE,
            },
            NeedStatus.ADDRESSING: {
                NeedStatus.MET,
                NeedStatus.PARTLY_MET,
                NeedStatus.QUALIFIED,
                NeedStatus.DUPLICATE,
            },
            NeedStatus.MET: {NeedStatus.ADDRESSING},
            NeedStatus.PARTLY_MET: {NeedStatus.ADDRESSING, NeedStatus.MET},
            NeedStatus.DUPLICATE: set(),
            NeedStatus.OUT_OF_SCOPE: {NeedStatus.REPORTED},
        },
        log="needs.NeedTransition",
    )
)


class NeedTransition(TransitionLog):
    """A move of a need; `note` is the public answer shown on the need's page."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("passage d'un besoin")
        verbose_name_plural = _("passages des besoins")


class Support(models.Model):
    """« Je rencontre aussi ce besoin »: a person with an account, or an address confirmed by a link."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(_("adresse"), blank=True)
    testimony = models.TextField(_("témoignage"), blank=True)
    confirmed = models.BooleanField(default=True)
    # The need it was given to first, when a merge moved it here (the duplicate keeps its history).
    merged_from = models.ForeignKey(Need, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SupportQuerySet.as_manager()

    class Meta:
        verbose_name = _("soutien")
        verbose_name_plural = _("soutiens")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "user"], condition=Q(user__isnull=False), name="needs_support_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["need", "email"], condition=~Q(email=""), name="needs_support_once_per_address"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""), name="needs_support_has_someone"
            ),
        ]

    def __str__(self) -> str:
        return f"Soutien au besoin {self.need_id}"

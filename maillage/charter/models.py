"""The charter of the territory's ESS actors: versions with ordered articles, signatures tied to a version,
collective writing (comments, amendments, supports).

One charter per territory. Three objects have a state, each with its machine (core's `Machine`, declared
right after the model: the table of allowed moves) and its log (built on core's `TransitionLog`: who, when,
from, to). Services change a state only through `core.machines.transition()`.

- a version: draft → open → adopted → superseded (`VERSION_MACHINE`, logged in `VersionTransition`). The
  adopted version is the one in force (at most one per charter). Versions, articles and comments are built on
  core's versioned-document pattern (`core.versioning`, ADR 0018), shared with the calls' specification.
- a signature: active → withdrawn (`SIGNATURE_MACHINE`, `SignatureTransition`). It binds a structure to one
  adopted version (at most one active signature per structure and version: a conditional unique constraint).
- an amendment: proposed → accepted | rejected (`AMENDMENT_MACHINE`, `AmendmentTransition`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.actors.models import Structure
from maillage.charter.querysets import AmendmentQuerySet, SignatureQuerySet, VersionQuerySet
from maillage.core.machines import Machine, TransitionLog, register
from maillage.core.models import Territory
from maillage.core.versioning import TRANSITION_LABELS as TRANSITION_LABELS  # the buttons' words
from maillage.core.versioning import (
    VersionedArticle,
    VersionedComment,
    VersionedDocument,
    VersionLog,
    VersionStatus,
    article_constraints,
    version_constraints,
    version_machine,
)
from maillage.events.models import Event


class Charter(models.Model):
    territory = models.OneToOneField(Territory, on_delete=models.CASCADE, related_name="charter")
    title = models.CharField(_("titre"), max_length=200, default="Charte des acteurs de l'ESS")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("charte")
        verbose_name_plural = _("chartes")

    def __str__(self) -> str:
        return f"{self.title} ({self.territory})"


class CharterVersion(VersionedDocument):
    parent_field = "charter"

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="versions")
    title = models.CharField(_("titre de la version"), max_length=200, blank=True)
    preamble = models.TextField(_("préambule"), blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version de la charte")
        verbose_name_plural = _("versions de la charte")
        ordering = ["charter", "number"]
        constraints = version_constraints(
            "charter",
            number="charter_version_number_unique",
            adopted="charter_one_adopted_version",
            working="charter_one_working_version",
        )

    @property
    def is_signable(self) -> bool:
        return self.status == VersionStatus.ADOPTED


class VersionTransition(VersionLog):
    """The log of a version's machine: who moved it, when, from, to."""

    version = models.ForeignKey(CharterVersion, on_delete=models.CASCADE, related_name="transitions")

    class Meta(VersionLog.Meta):
        verbose_name = _("changement d'état d'une version")
        verbose_name_plural = _("changements d'état des versions")


VERSION_MACHINE = version_machine(model="charter.CharterVersion", log="charter.VersionTransition")


class Article(VersionedArticle):
    """An article of one version. `key` follows an article from version to version (the diff pairs on it)."""

    version = models.ForeignKey(CharterVersion, on_delete=models.CASCADE, related_name="articles")

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["version", "position", "pk"]
        constraints = article_constraints(key="charter_article_key_unique")


class SignatureStatus(models.TextChoices):
    ACTIVE = "active", _("signée")
    WITHDRAWN = "withdrawn", _("retirée")


class Signature(models.Model):
    """A structure's commitment to one adopted version, signed by one of its managers.

    The signer's name and role in the structure are public (the form says so); the account that signed is
    kept for the log only. A signature made at a signing ceremony points to that agenda event (`ceremony`):
    the event is the only truth about the ceremony's title, date and place.
    """

    version = models.ForeignKey(CharterVersion, on_delete=models.PROTECT, related_name="signatures")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="charter_signatures")
    signer_name = models.CharField(_("nom de la personne qui signe"), max_length=150)
    signer_role = models.CharField(_("fonction dans la structure"), max_length=150)
    commitment = models.BooleanField(_("engagement"), default=False)
    signed_on = models.DateField(_("date de signature"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=SignatureStatus.choices, default=SignatureStatus.ACTIVE)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    ceremony = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="charter_signatures",
        verbose_name=_("cérémonie de signature"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature de la charte")
        verbose_name_plural = _("signatures de la charte")
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "version"],
                condition=models.Q(status="active"),
                name="charter_one_active_signature",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.structure} — {self.version}"

    @property
    def is_active(self) -> bool:
        return self.status == SignatureStatus.ACTIVE


class SignatureTransition(TransitionLog):
    """The log of a signature: signed ("" → active, the signer's account as actor), withdrawn (the reason
    as note). Holds no signer name (the erasure of a person leaves it untouched)."""

    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement d'état d'une signature")
        verbose_name_plural = _("changements d'état des signatures")


SIGNATURE_MACHINE = register(
    Machine(
        model="charter.Signature",
        moves={SignatureStatus.ACTIVE: {SignatureStatus.WITHDRAWN}, SignatureStatus.WITHDRAWN: set()},
        log="charter.SignatureTransition",
    )
)


class Comment(VersionedComment):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")

    class Meta(VersionedComment.Meta):
        pass


class AmendmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposé")
    ACCEPTED = "accepted", _("accepté")
    REJECTED = "rejected", _("rejeté")


class Amendment(models.Model):
    """A replacement text for an article, proposed while its version is open for comments."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="amendments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("texte proposé"))
    rationale = models.TextField(_("pourquoi ce changement"), blank=True)
    original_text = models.TextField(blank=True)  # the article's text when the amendment was proposed
    status = models.CharField(
        max_length=20, choices=AmendmentStatus.choices, default=AmendmentStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AmendmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Amendement n° {self.pk} sur {self.article}"


class AmendmentTransition(TransitionLog):
    """The log of an amendment: proposed by its author, then accepted or rejected by the animation."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement d'état d'un amendement")
        verbose_name_plural = _("changements d'état des amendements")


AMENDMENT_MACHINE = register(
    Machine(
        model="charter.Amendment",
        moves={
            AmendmentStatus.PROPOSED: {AmendmentStatus.ACCEPTED, AmendmentStatus.REJECTED},
            AmendmentStatus.ACCEPTED: set(),
            AmendmentStatus.REJECTED: set(),
        },
        log="charter.AmendmentTransition",
    )
)


class AmendmentSupport(models.Model):
    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["amendment", "user"], name="charter_support_unique")]

    def __str__(self) -> str:
        return f"Soutien à {self.amendment}"

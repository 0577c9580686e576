"""The charter of the territory's ESS actors: versions with ordered articles, signatures tied to a version,
collective writing (comments, amendments, supports).

One charter per territory. A version moves through a small state machine (`VERSION_TRANSITIONS`), every move
logged in `VersionTransition`. The published version is the adopted one (at most one per charter). A
signature binds a structure to one adopted version (at most one active signature per structure and version,
enforced by a conditional unique constraint); every act on a signature is logged in `SignatureEvent`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.actors.models import Structure
from maillage.core.models import Territory
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


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    OPEN = "open", _("ouverte aux commentaires")
    ADOPTED = "adopted", _("adoptée")
    SUPERSEDED = "superseded", _("remplacée")


# The state machine of a version: from → the statuses it may move to. « superseded » is reached only when
# the next version is adopted (the service does it, logged like any other move).
VERSION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    VersionStatus.DRAFT: (VersionStatus.OPEN,),
    VersionStatus.OPEN: (VersionStatus.DRAFT, VersionStatus.ADOPTED),
    VersionStatus.ADOPTED: (VersionStatus.SUPERSEDED,),
    VersionStatus.SUPERSEDED: (),
}

TRANSITION_LABELS: dict[str, str] = {
    VersionStatus.OPEN: "Ouvrir aux commentaires",
    VersionStatus.DRAFT: "Revenir au brouillon",
    VersionStatus.ADOPTED: "Adopter cette version",
    VersionStatus.SUPERSEDED: "Marquer comme remplacée",
}


class CharterVersion(models.Model):
    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("numéro"))
    title = models.CharField(_("titre de la version"), max_length=200, blank=True)
    preamble = models.TextField(_("préambule"), blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    opened_on = models.DateField(_("ouverte aux commentaires le"), null=True, blank=True)
    adopted_on = models.DateField(_("adoptée le"), null=True, blank=True)
    superseded_on = models.DateField(_("remplacée le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version de la charte")
        verbose_name_plural = _("versions de la charte")
        ordering = ["charter", "number"]
        constraints = [
            models.UniqueConstraint(fields=["charter", "number"], name="charter_version_number_unique"),
            models.UniqueConstraint(
                fields=["charter"],
                condition=models.Q(status="adopted"),
                name="charter_one_adopted_version",
            ),
            models.UniqueConstraint(
                fields=["charter"],
                condition=models.Q(status__in=["draft", "open"]),
                name="charter_one_working_version",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"

    @property
    def label(self) -> str:
        return f"version {self.number}"

    @property
    def is_public(self) -> bool:
        return self.status != VersionStatus.DRAFT

    @property
    def is_signable(self) -> bool:
        return self.status == VersionStatus.ADOPTED

    def allowed_transitions(self) -> tuple[str, ...]:
        return tuple(s for s in VERSION_TRANSITIONS[self.status] if s != VersionStatus.SUPERSEDED)


class VersionTransition(models.Model):
    """The log of a version's state machine: who moved it, when, from, to."""

    version = models.ForeignKey(CharterVersion, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=VersionStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=VersionStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.version}: {self.from_status or '∅'} → {self.to_status}"


class Article(models.Model):
    """An article of one version. `key` follows an article from version to version (the diff pairs on it)."""

    version = models.ForeignKey(CharterVersion, on_delete=models.CASCADE, related_name="articles")
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte (Markdown)"))

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="charter_article_key_unique"),
        ]

    def __str__(self) -> str:
        return f"Article {self.position} — {self.title}"


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


class SignatureEvent(models.Model):
    """Every act on a signature (signed, withdrawn, anonymised), who and when. Holds no signer name."""

    class Action(models.TextChoices):
        SIGNED = "signed", _("signature")
        WITHDRAWN = "withdrawn", _("retrait")
        ANONYMISED = "anonymised", _("anonymisation")

    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.signature}: {self.action}"


class Comment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("commentaire"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Commentaire sur {self.article}"


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

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Amendement n° {self.pk} sur {self.article}"


class AmendmentSupport(models.Model):
    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["amendment", "user"], name="charter_support_unique")]

    def __str__(self) -> str:
        return f"Soutien à {self.amendment}"

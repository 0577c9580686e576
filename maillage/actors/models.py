"""Structures (the ESS actors, classic companies and public buyers), who manages them, their practices, and
the moderation around them.

A structure belongs to one territory (docs/adr/0002-structure-appartient-a-un-territoire.md).

Every `status` has one state machine (`core.machines`), declared right after its model: a structure's
(`STRUCTURE_MACHINE`, logged in `StructureTransition`), a proposed edit's and a management request's
(`EDIT_PROPOSAL_MACHINE`, `MANAGEMENT_REQUEST_MACHINE`, logged in their own tables). Services move them only
through `transition()`. Managers' edits either go live or wait in an `EditProposal` per the territory's
setting `moderate_manager_edits`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from maillage.actors import taxonomy
from maillage.actors.querysets import (
    DecisionQuerySet,
    ErrorReportQuerySet,
    PracticeQuerySet,
    StructureQuerySet,
)
from maillage.core.machines import Machine, TransitionLog, register
from maillage.core.models import Commune, Territory


class Structure(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("en attente de modération")
        PUBLISHED = "published", _("publiée")
        REFUSED = "refused", _("refusée")
        ARCHIVED = "archived", _("archivée")

    class Family(models.TextChoices):
        ASSOCIATION = "association", _("association")
        COOPERATIVE = "cooperative", _("coopérative")
        MUTUELLE = "mutuelle", _("mutuelle")
        FONDATION = "fondation", _("fondation")
        SOCIETE_ESS = "societe_ess", _("société commerciale de l'ESS")
        HORS_ESS = "hors_ess", _("hors ESS")

    class InclusionKind(models.TextChoices):
        ACI = "ACI", "ACI"
        AI = "AI", "AI"
        EI = "EI", "EI"
        ETTI = "ETTI", "ETTI"
        EITI = "EITI", "EITI"
        EA = "EA", "EA"
        EATT = "EATT", "EATT"
        ESAT = "ESAT", "ESAT"
        GEIQ = "GEIQ", "GEIQ"

    class Geocoding(models.TextChoices):
        NONE = "", _("non localisée")
        ADDRESS = "address", _("adresse géocodée")
        COMMUNE = "commune", _("centre de la commune")
        SOURCE = "source", _("coordonnées de la source")
        MANUAL = "manual", _("position saisie")

    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="structures")
    name = models.CharField(_("nom"), max_length=250)
    slug = models.SlugField(_("identifiant"), max_length=120)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, db_index=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True)
    legal_form = models.CharField(_("catégorie juridique"), max_length=4, blank=True)
    naf_code = models.CharField(_("code NAF"), max_length=6, blank=True)
    family = models.CharField(
        _("famille de l'ESS"), max_length=20, choices=Family.choices, default=Family.ASSOCIATION
    )
    inclusion_kind = models.CharField(
        _("structure inclusive"), max_length=5, choices=InclusionKind.choices, blank=True
    )
    esus = models.BooleanField(_("agrément ESUS"), default=False)
    workforce_band = models.CharField(
        _("effectif salarié"), max_length=2, choices=taxonomy.WORKFORCE_CHOICES, blank=True
    )
    labels = models.JSONField(_("labels et réseaux"), default=list, blank=True)
    # Where it is.
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    geocoding = models.CharField(
        _("précision de la position"), max_length=10, choices=Geocoding.choices, blank=True
    )
    # What it says of itself; generic (published) contacts.
    description = models.TextField(_("présentation"), blank=True)
    website = models.URLField(_("site internet"), blank=True)
    public_email = models.EmailField(_("adresse de contact publique"), blank=True)
    public_phone = models.CharField(_("téléphone public"), max_length=30, blank=True)
    logo = models.ImageField(_("logo"), upload_to="structures/logos/", blank=True)
    # Personal contact: never published, seen by the animation and the managers only.
    contact_name = models.CharField(_("personne à contacter"), max_length=150, blank=True)
    contact_email = models.EmailField(_("adresse de la personne à contacter"), blank=True)
    contact_phone = models.CharField(_("téléphone de la personne à contacter"), max_length=30, blank=True)
    # field name -> {"source": "sirene"|"import:<name>"|"manager"|"animator", "at": iso date}
    provenance = models.JSONField(_("provenance des champs"), default=dict, blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.PENDING)
    refusal_reason = models.TextField(_("motif du refus"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The directory's narrow columns, kept by `services.index_structure()` in the writing transaction
    # (docs/adr/0014-annuaire-servi-par-la-base.md): one bit per sector (`taxonomy.sector_bit()`), the name
    # as the sort key shared by both databases, and the name's search terms for the ranking.
    sector_bits = models.BigIntegerField(default=0, editable=False)
    name_key = models.CharField(max_length=250, blank=True, editable=False)
    name_terms = models.CharField(max_length=600, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["provenance", "sector_bits", "name_key", "name_terms"])

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "slug"], name="actors_structure_slug_unique"),
            models.UniqueConstraint(
                fields=["territory", "siret"],
                condition=~models.Q(siret=""),
                name="actors_structure_siret_unique",
            ),
            models.UniqueConstraint(
                fields=["territory", "rna"], condition=~models.Q(rna=""), name="actors_structure_rna_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["territory", "status", "latitude", "longitude"], name="actors_struct_geo"),
            models.Index(fields=["territory", "status", "family"], name="actors_struct_family"),
            # The directory's sort by name and its facet counts read these indexes only.
            models.Index(fields=["territory", "status", "name"], name="actors_struct_name"),
            models.Index(fields=["territory", "status", "inclusion_kind"], name="actors_struct_inclusion"),
            models.Index(fields=["territory", "status", "commune"], name="actors_struct_commune"),
            models.Index(fields=["territory", "status", "workforce_band"], name="actors_struct_workforce"),
            models.Index(fields=["territory", "status", "esus"], name="actors_struct_esus"),
            # The directory: every facet column in one index (its facet counts read the index only), and the
            # name order of its pages.
            models.Index(
                fields=[
                    "territory",
                    "status",
                    "family",
                    "inclusion_kind",
                    "workforce_band",
                    "commune",
                    "esus",
                    "sector_bits",
                    "latitude",
                    "longitude",
                    "id",
                ],
                name="actors_struct_directory",
            ),
            models.Index(fields=["territory", "status", "name_key", "id"], name="actors_struct_name_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def legal_form_label(self) -> str:
        return taxonomy.legal_form_label(self.legal_form)

    @property
    def inclusion(self) -> taxonomy.InclusionKind | None:
        return taxonomy.INCLUSION_KINDS.get(self.inclusion_kind)

    @property
    def inclusion_group_label(self) -> str:
        kind = self.inclusion
        return taxonomy.INCLUSION_GROUPS[kind.group] if kind else ""

    @property
    def is_located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def sector_keys(self) -> list[str]:
        return [s.sector for s in self.sectors.all()]

    @property
    def sector_labels(self) -> list[str]:
        return [taxonomy.SECTORS[k].label for k in self.sector_keys if k in taxonomy.SECTORS]

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


STRUCTURE_MACHINE = register(
    Machine(
        model="actors.Structure",
        moves={
            Structure.Status.PENDING: {
                Structure.Status.PUBLISHED,
                Structure.Status.REFUSED,
                Structure.Status.ARCHIVED,
            },
            Structure.Status.PUBLISHED: {Structure.Status.ARCHIVED},
            Structure.Status.REFUSED: {Structure.Status.PENDING},
            Structure.Status.ARCHIVED: {Structure.Status.PUBLISHED},
        },
        log="actors.StructureTransition",
    )
)

# The verb of each move, as the structure's history shows it.
TRANSITION_VERBS: dict[tuple[str, str], str] = {
    (Structure.Status.PENDING, Structure.Status.PUBLISHED): "publier",
    (Structure.Status.PENDING, Structure.Status.REFUSED): "refuser",
    (Structure.Status.PENDING, Structure.Status.ARCHIVED): "archiver",
    (Structure.Status.PUBLISHED, Structure.Status.ARCHIVED): "archiver",
    (Structure.Status.REFUSED, Structure.Status.PENDING): "soumettre à nouveau",
    (Structure.Status.ARCHIVED, Structure.Status.PUBLISHED): "republier",
}


class StructureTransition(TransitionLog):
    """One change of a structure's status: who, when, from, to, why (the refusal's reason in `note`)."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.structure}: {self.from_state or '∅'} → {self.to_state}"


class StructureSector(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="sectors")
    sector = models.CharField(max_length=30, choices=taxonomy.SECTOR_CHOICES)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["structure", "sector"], name="actors_structuresector_unique")
        ]
        indexes = [models.Index(fields=["sector", "structure"], name="actors_sector_struct")]

    def __str__(self) -> str:
        return self.get_sector_display()


class Membership(models.Model):
    class Role(models.TextChoices):
        MANAGER = "manager", _("gestionnaire")
        MEMBER = "member", _("membre")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [models.UniqueConstraint(fields=["user", "structure"], name="actors_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.structure} ({self.get_role_display()})"


class Decision(models.TextChoices):
    PENDING = "pending", _("en attente")
    ACCEPTED = "accepted", _("acceptée")
    REFUSED = "refused", _("refusée")


# A proposed edit and a management request are decided once: accepted or refused.
DECISION_MOVES = {
    Decision.PENDING: {Decision.ACCEPTED, Decision.REFUSED},
    Decision.ACCEPTED: set(),
    Decision.REFUSED: set(),
}


class EditProposal(models.Model):
    """A manager's edit waiting for the animator (territories with `moderate_manager_edits`)."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="edit_proposals")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # field -> [old value, new value] (JSON-able display values; sectors as a list of keys)
    changes = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Modification de {self.structure}"


EDIT_PROPOSAL_MACHINE = register(
    Machine(model="actors.EditProposal", moves=DECISION_MOVES, log="actors.EditProposalTransition")
)


class EditProposalTransition(TransitionLog):
    """The decision on a proposed edit (and its creation): who, when."""

    proposal = models.ForeignKey(EditProposal, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        pass


class ManagementRequest(models.Model):
    """« Demander la gestion d'une fiche »: a person asks to manage an existing structure."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="management_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="structure_management_requests"
    )
    message = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "user"],
                condition=models.Q(status="pending"),
                name="actors_mgmtrequest_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"Demande de gestion de {self.structure}"


MANAGEMENT_REQUEST_MACHINE = register(
    Machine(model="actors.ManagementRequest", moves=DECISION_MOVES, log="actors.ManagementRequestTransition")
)


class ManagementRequestTransition(TransitionLog):
    """The decision on a « demande de gestion » (and its creation): who, when."""

    request = models.ForeignKey(ManagementRequest, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        pass


class ErrorReport(models.Model):
    """Anyone reports an error on a profile (no personal data kept: the text only)."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="error_reports")
    message = models.TextField()
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ErrorReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Signalement sur {self.structure}"


class Practice(models.Model):
    """A practice sheet (« guide des pratiques ») written by a structure."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="practices")
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(max_length=120)
    summary = models.CharField(_("résumé"), max_length=300, blank=True)
    body = models.TextField(_("description"), blank=True)
    themes = models.JSONField(_("thèmes"), default=list)
    is_published = models.BooleanField(_("publiée"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["structure", "slug"], name="actors_practice_slug")]

    def __str__(self) -> str:
        return self.title

    @property
    def theme_labels(self) -> list[str]:
        return [taxonomy.PRACTICE_THEMES[t] for t in self.themes if t in taxonomy.PRACTICE_THEMES]


class ImportMapping(models.Model):
    """A column mapping saved per source (an RNA extract, a partner base such as the regional BDIS)."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("source"), max_length=100)
    mapping = models.JSONField(default=dict)  # structure field -> column header of the file

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["territory", "name"], name="actors_importmapping_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One import (a file, a dry run, then a commit), followed on a status page."""

    class Kind(models.TextChoices):
        TABLE = "table", _("tableau CSV, XLSX ou ODS")
        SIRENE = "sirene", _("fichiers stock Sirene")

    class State(models.TextChoices):
        QUEUED = "queued", _("en file d'attente")
        RUNNING = "running", _("en cours")
        CHECKED = "checked", _("essai terminé")
        DONE = "done", _("importé")
        FAILED = "failed", _("échec")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=100)
    files = models.JSONField(default=list)  # storage names of the uploaded files (private)
    mapping = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    commit = models.BooleanField(default=False)
    progress = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import {self.source} ({self.get_state_display()})"


class MergeProposal(models.Model):
    """An imported row that looks like an existing structure (fuzzy name + commune): the animator merges
    it into the structure or creates a new one."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="merge_proposals")
    data = models.JSONField(default=dict)  # the incoming row (structure fields, sectors)
    source = models.CharField(max_length=100)
    score = models.FloatField()
    status = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Fusion proposée avec {self.structure}"


# --- the machines of the imports (core.machines) ----------------------------------------------------------

IMPORT_BATCH_MACHINE = register(
    Machine(
        model="actors.ImportBatch",
        field="state",
        moves={
            ImportBatch.State.QUEUED: {ImportBatch.State.RUNNING, ImportBatch.State.FAILED},
            ImportBatch.State.RUNNING: {
                ImportBatch.State.CHECKED,
                ImportBatch.State.DONE,
                ImportBatch.State.FAILED,
            },
            ImportBatch.State.CHECKED: {ImportBatch.State.QUEUED},  # « importer pour de bon »
            ImportBatch.State.DONE: set(),
            ImportBatch.State.FAILED: {ImportBatch.State.QUEUED},  # a failed commit run again
        },
        log="actors.ImportBatchTransition",
    )
)


class ImportBatchTransition(TransitionLog):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        pass


MERGE_PROPOSAL_MACHINE = register(
    Machine(
        model="actors.MergeProposal",
        moves={
            Decision.PENDING: {Decision.ACCEPTED, Decision.REFUSED},
            Decision.ACCEPTED: set(),
            Decision.REFUSED: set(),
        },
        log="actors.MergeProposalTransition",
    )
)


class MergeProposalTransition(TransitionLog):
    proposal = models.ForeignKey(MergeProposal, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        pass


class DirectoryVersion(models.Model):
    """The territory's directory version: raised in the transaction of every write that changes what the
    directory shows, so a cached page (keyed by it) can never outlive the write that made it wrong."""

    territory = models.OneToOneField(Territory, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.territory_id}: {self.version}"


class DirectoryTerm(models.Model):
    """The vocabulary of the territory's public structure documents (the terms `core.search` writes): a
    misspelled query word is corrected against it (a few thousand words, never the rows). Terms are only
    added; a term no structure holds any more corrects to a word that finds nothing."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["territory", "term"], name="actors_directoryterm_unique"),
        ]

    def __str__(self) -> str:
        return self.term

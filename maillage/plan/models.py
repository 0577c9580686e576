"""The contract and its action plan.

A territory has one `Contract` (parties, signature, start and end, animator, documents). The contract's
plan is kept as one `PlanVersion` per year (« plan d'actions annuel »); next year's version starts as a copy.

A version holds a typed tree of `Node`s: objective → operational objective → action. `Means` (« Moyens »)
and `ScheduleEntry` (« Échéancier ») lines may hang on any node, as in the seed where they belong to the
objective; their dates have a precision (« premier semestre 2013 », see `dates.py`). Actions carry a lead,
partners, milestones, a status (core's machine, `NODE_MACHINE` below, every change logged in
`NodeTransition`) and a progress in percent; parents' progress is the weighted mean of their children's
(computed on read, see `tree.build_tree`). Indicators with measurements, and generic links to what realises
a node on the platform (content type + id, targets declared through the registry), complete the tree.

Every table has its history (django-simple-history). A node's `ref` is stable across yearly copies and is the
key of the CSV/XLSX import.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from maillage.actors.models import Structure
from maillage.core.machines import Machine, TransitionLog, register
from maillage.core.models import Territory
from maillage.plan.dates import Precision, describe_date, period_bounds
from maillage.plan.querysets import (
    ContractQuerySet,
    EvaluationQuerySet,
    IndicatorQuerySet,
    NodeQuerySet,
    VersionQuerySet,
)


class Contract(models.Model):
    """The CLDESS itself: who signed it, when, for how long, who animates it."""

    territory = models.OneToOneField(Territory, on_delete=models.CASCADE, related_name="plan_contract")
    title = models.CharField(_("intitulé"), max_length=250)
    summary = models.TextField(_("présentation"), blank=True, help_text=_("Markdown."))
    parties = models.TextField(
        _("parties signataires"),
        blank=True,
        help_text=_("Une partie par ligne (l'agglomération, la Région…)."),
    )
    signed_on = models.DateField(_("date de signature"), null=True, blank=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    animator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("animatrice ou animateur"),
    )
    animator_label = models.CharField(
        _("animation (nom affiché)"),
        max_length=200,
        blank=True,
        help_text=_("Ex. « Chargée de mission ESS »."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contrat")
        verbose_name_plural = _("contrats")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="plan_contract_end_after_start",
                violation_error_message="La fin du contrat doit être postérieure à son début.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def party_list(self) -> list[str]:
        return [line.strip() for line in self.parties.splitlines() if line.strip()]


class ContractDocument(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titre"), max_length=250)
    url = models.URLField(_("adresse du document"))
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document du contrat")
        verbose_name_plural = _("documents du contrat")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class PlanVersion(models.Model):
    """The yearly action plan (« plan d'actions annuel »). One per contract and year."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="versions")
    year = models.PositiveIntegerField(
        _("année"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("intitulé"), max_length=250, blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan d'actions annuel")
        verbose_name_plural = _("plans d'actions annuels")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["contract", "year"], name="plan_version_year_unique")]

    def __str__(self) -> str:
        return self.title or f"Plan d'actions {self.year}"

    @property
    def territory(self) -> Territory:
        return self.contract.territory


class Node(models.Model):
    """One element of the plan tree. Its kind fixes where it may sit (see `PARENT_KIND`)."""

    class Kind(models.TextChoices):
        OBJECTIVE = "objective", _("objectif")
        OPERATIONAL = "operational", _("objectif opérationnel")
        ACTION = "action", _("action")

    class Status(models.TextChoices):
        PLANNED = "planned", _("prévue")
        IN_PROGRESS = "in_progress", _("en cours")
        DONE = "done", _("réalisée")
        POSTPONED = "postponed", _("reportée")
        ABANDONED = "abandoned", _("abandonnée")

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField(_("niveau"), max_length=20, choices=Kind.choices)
    ref = models.UUIDField(_("identifiant stable"), default=uuid.uuid4, editable=False)
    number = models.CharField(_("numéro"), max_length=20, blank=True, help_text=_("Ex. « 1 », « 1.2 »."))
    position = models.PositiveIntegerField(_("ordre"), default=0)
    title = models.CharField(_("intitulé"), max_length=400)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    weight = models.PositiveIntegerField(
        _("poids"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Poids dans l'avancement de l'élément parent (1 à 100)."),
    )
    starts_on = models.DateField(_("début prévu"), null=True, blank=True)
    ends_on = models.DateField(_("fin prévue"), null=True, blank=True)
    # Actions only (ignored on objectives, whose progress is computed).
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    lead = models.ForeignKey(
        Structure,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_actions_led",
        verbose_name=_("structure pilote"),
    )
    lead_label = models.CharField(
        _("pilote (autre)"),
        max_length=200,
        blank=True,
        help_text=_("Si le pilote n'est pas une structure de l'annuaire (ex. « CMESS »)."),
    )
    partners = models.ManyToManyField(
        Structure, blank=True, related_name="plan_actions_partnered", verbose_name=_("structures partenaires")
    )
    partners_label = models.CharField(
        _("autres partenaires"),
        max_length=400,
        blank=True,
        help_text=_("Partenaires hors annuaire, séparés par des virgules."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[partners])

    objects = NodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("élément du plan")
        verbose_name_plural = _("éléments du plan")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "ref"], name="plan_node_ref_unique"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="plan_node_progress_max"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def territory(self) -> Territory:
        return self.version.contract.territory

    @property
    def is_action(self) -> bool:
        return self.kind == self.Kind.ACTION


# Which kind of parent each kind needs (None: at the root).
PARENT_KIND: dict[str, str | None] = {
    Node.Kind.OBJECTIVE: None,
    Node.Kind.OPERATIONAL: Node.Kind.OBJECTIVE,
    Node.Kind.ACTION: Node.Kind.OPERATIONAL,
}

S = Node.Status
# The status machine of an action: from → the statuses it may go to (objectives have no status of their own).
NODE_MACHINE = register(
    Machine(
        model="plan.Node",
        moves={
            S.PLANNED: {S.IN_PROGRESS, S.DONE, S.POSTPONED, S.ABANDONED},
            S.IN_PROGRESS: {S.DONE, S.POSTPONED, S.ABANDONED},
            S.POSTPONED: {S.PLANNED, S.IN_PROGRESS, S.ABANDONED},
            S.DONE: {S.IN_PROGRESS},  # reopened
            S.ABANDONED: {S.PLANNED},  # taken up again
        },
        log="plan.NodeTransition",
    )
)


class NodeTransition(TransitionLog):
    """The log of an action's status changes: who, when, from, to, why."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="status_changes")
    # Notes up to 500 characters were written before the log moved onto core's (which keeps 300).
    note = models.CharField(_("commentaire"), max_length=500, blank=True)

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement de statut")
        verbose_name_plural = _("changements de statut")

    def __str__(self) -> str:
        return f"{self.node_id}: {self.from_state} → {self.to_state}"


class Means(models.Model):
    """A « moyen »: working time, an atelier, a partnership, a database, a budget…"""

    class Kind(models.TextChoices):
        WORKING_TIME = "working_time", _("temps de travail")
        ATELIER = "atelier", _("atelier")
        PARTNERSHIP = "partnership", _("partenariat")
        DATABASE = "database", _("base de données, outil")
        BUDGET = "budget", _("budget")
        OTHER = "other", _("autre")

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="means")
    ref = models.UUIDField(default=uuid.uuid4, editable=False)  # stable id in the CSV/XLSX file
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.CharField(_("description"), max_length=400)
    amount = models.DecimalField(
        _("montant (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("moyen")
        verbose_name_plural = _("moyens")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description


class ScheduleEntry(models.Model):
    """A line of the « échéancier »: a date with its precision, and a label as written."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="schedule")
    ref = models.UUIDField(default=uuid.uuid4, editable=False)  # stable id in the CSV/XLSX file
    label = models.CharField(_("libellé"), max_length=300, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    precision = models.CharField(
        _("précision"), max_length=10, choices=Precision.choices, default=Precision.MONTH
    )
    until = models.DateField(_("jusqu'à"), null=True, blank=True)
    until_precision = models.CharField(
        _("précision de la fin"), max_length=10, choices=Precision.choices, default=Precision.MONTH
    )
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("échéance")
        verbose_name_plural = _("échéancier")
        ordering = ["position", "date", "pk"]

    def __str__(self) -> str:
        return self.label or self.when

    @property
    def when(self) -> str:
        text = describe_date(self.date, self.precision)
        if self.until:
            text += f" → {describe_date(self.until, self.until_precision)}"
        return text

    @property
    def bounds(self) -> tuple[dt.date | None, dt.date | None]:
        start, end = period_bounds(self.date, self.precision)
        if self.until:
            end = period_bounds(self.until, self.until_precision)[1]
        return (start, end)


class Milestone(models.Model):
    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="milestones")
    ref = models.UUIDField(default=uuid.uuid4, editable=False)  # stable id in the CSV/XLSX file
    title = models.CharField(_("intitulé"), max_length=300)
    date = models.DateField(_("date"))
    precision = models.CharField(
        _("précision"), max_length=10, choices=Precision.choices, default=Precision.DAY
    )
    reached_on = models.DateField(_("atteint le"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jalon")
        verbose_name_plural = _("jalons")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def when(self) -> str:
        return describe_date(self.date, self.precision)


class Indicator(models.Model):
    """What tells whether a node reaches its aim: a unit, a baseline, a target by a date.

    Measurements are entered by hand, or computed from a registry metric (`metric_key`) by a periodic job that
    records each value with its date, so the history stays.
    """

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="indicators")
    ref = models.UUIDField(default=uuid.uuid4, editable=False)
    title = models.CharField(_("intitulé"), max_length=300)
    unit = models.CharField(_("unité"), max_length=50, blank=True, help_text=_("Ex. « structures », « % »."))
    baseline = models.DecimalField(
        _("valeur de départ"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(_("cible"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(_("échéance de la cible"), null=True, blank=True)
    metric_key = models.CharField(
        _("calcul automatique"),
        max_length=100,
        blank=True,
        help_text=_("Laisser vide pour une saisie à la main."),
    )
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Measurement(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", _("saisie")
        COMPUTED = "computed", _("calculée")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    ref = models.UUIDField(default=uuid.uuid4, editable=False)  # stable id in the CSV/XLSX file
    date = models.DateField(_("date de la mesure"))
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(_("commentaire"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mesure")
        verbose_name_plural = _("mesures")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "date"],
                condition=models.Q(source="computed"),
                name="plan_measurement_computed_once_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.date}: {self.value}"


class Link(models.Model):
    """A node points to what realises it on the platform (an event, an atelier, the charter…).

    Generic (content type + id); which models may be pointed at is declared by apps as registry link targets.
    """

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="links")
    target_key = models.CharField(_("type de lien"), max_length=100)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(_("libellé"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lien")
        verbose_name_plural = _("liens")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["node", "content_type", "object_id"], name="plan_link_unique_per_node"
            )
        ]

    def __str__(self) -> str:
        return self.label


# The registry link target the plenary of an evaluation is chosen from (declared by the events app).
PLENARY_TARGET = "events.event"


class Evaluation(models.Model):
    """The yearly evaluation of a plan: drafted from the plan, commented by partners during a consultation
    window, concluded by the animator, then adopted — and frozen as a snapshot later edits do not change."""

    class Status(models.TextChoices):
        CONSULTATION = "consultation", _("en consultation")
        CLOSED = "closed", _("consultation close")
        ADOPTED = "adopted", _("adoptée")

    version = models.OneToOneField(PlanVersion, on_delete=models.CASCADE, related_name="evaluation")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONSULTATION)
    consultation_ends_on = models.DateField(_("fin de la consultation des partenaires"))
    conclusions = models.TextField(_("conclusions de l'animation"), blank=True, help_text=_("Markdown."))
    next_year_changes = models.TextField(
        _("changements pour l'année suivante"), blank=True, help_text=_("Markdown.")
    )
    # The plenary: an agenda event picked through the registry link target `PLENARY_TARGET` (content type +
    # id; plan imports no feature app). Its label (with the date) and URL are copied when it is picked, so the
    # report keeps them; without an event, the label (and URL) typed by the animator are the fallback.
    plenary_label = models.CharField(_("plénière"), max_length=250, blank=True)
    plenary_url = models.CharField(
        _("adresse de la plénière"),
        max_length=500,
        blank=True,
        help_text=_("La page de l'événement de l'agenda (ex. /agenda/…)."),
    )
    plenary_content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    plenary_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    opened_at = models.DateTimeField(auto_now_add=True)
    adopted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["snapshot"])

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("évaluation annuelle")
        verbose_name_plural = _("évaluations annuelles")

    def __str__(self) -> str:
        return f"Évaluation du {self.version}"

    @property
    def territory(self) -> Territory:
        return self.version.contract.territory


E = Evaluation.Status
# Consultation (partners comment) → closed → adopted (the report is frozen); adopting closes it too.
EVALUATION_MACHINE = register(
    Machine(
        model="plan.Evaluation",
        moves={E.CONSULTATION: {E.CLOSED, E.ADOPTED}, E.CLOSED: {E.ADOPTED}, E.ADOPTED: set()},
        log="plan.EvaluationTransition",
    )
)


class EvaluationTransition(TransitionLog):
    """The log of an evaluation's states: opened, consultation closed, report adopted."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("étape d'évaluation")
        verbose_name_plural = _("étapes d'évaluation")

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.from_state or '∅'} → {self.to_state}"


class EvaluationComment(models.Model):
    """A partner's comment during the consultation window."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    structure = models.ForeignKey(
        Structure, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("commentaire"))
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commentaire d'évaluation")
        verbose_name_plural = _("commentaires d'évaluation")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:50]

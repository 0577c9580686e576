"""The annual call for projects: its versioned specification, eligibility rules, weighted criteria, the
applications with their balanced budget, the jury (invitations, conflicts of interest, scores), and the
support fund's grants (payment schedule, payments, reports due).

Every object with a state has its machine (core's `Machine`, right after the model) and its log on core's
`TransitionLog`. Services change a state only through `core.machines.transition()`.

The call's specification is built on core's versioned-document pattern (`core.versioning`, ADR 0018), the
one the charter uses: draft → open for comments → adopted → superseded, at most one adopted and one working
version per call, ordered articles commented one by one.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.actors.models import Structure
from maillage.calls.querysets import (
    ApplicationQuerySet,
    CallQuerySet,
    GrantQuerySet,
    JurorQuerySet,
    ScoreQuerySet,
)
from maillage.core.machines import Machine, TransitionLog, register
from maillage.core.models import Territory
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

MONEY = {"max_digits": 12, "decimal_places": 2}


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("en préparation")
    OPEN = "open", _("ouvert aux candidatures")
    CLOSED = "closed", _("clos, en instruction")
    DECIDED = "decided", _("jury délibéré")


class Call(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="calls")
    year = models.PositiveIntegerField(_("année"))
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("présentation"), blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    envelope = models.DecimalField(_("enveloppe (€)"), **MONEY, default=Decimal("0"))
    ceiling = models.DecimalField(_("plafond par projet (€)"), **MONEY, default=Decimal("0"))
    opens_on = models.DateField(_("ouverture"), null=True, blank=True)
    deadline = models.DateTimeField(_("date limite de dépôt"), null=True, blank=True)
    jury_on = models.DateField(_("jury"), null=True, blank=True)
    results_on = models.DateField(_("résultats"), null=True, blank=True)
    # Eligibility: a checklist the applicant ticks, and rules checked on the applicant structure.
    checklist = models.JSONField(_("critères d'éligibilité (liste à cocher)"), default=list, blank=True)
    families = models.JSONField(_("familles de l'ESS admises"), default=list, blank=True)
    communes = models.JSONField(_("communes admises (codes INSEE)"), default=list, blank=True)
    min_age_months = models.PositiveIntegerField(_("ancienneté minimale (mois)"), default=0)
    charter_required = models.BooleanField(_("signature de la charte exigée"), default=False)
    questions = models.JSONField(_("questions du formulaire"), default=list, blank=True)
    normalise_scores = models.BooleanField(_("normaliser les notes par juré"), default=False)
    grantor_name = models.CharField(_("nom de l'attribuant"), max_length=200, blank=True)
    grantor_siret = models.CharField(_("SIRET de l'attribuant"), max_length=14, blank=True)
    minutes = models.TextField(_("procès-verbal de la délibération"), blank=True)
    decided_on = models.DateField(_("délibéré le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["territory", "year"], name="calls_one_call_per_year")]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class CallTransition(TransitionLog):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement d'état d'un appel")


CALL_MACHINE = register(
    Machine(
        model="calls.Call",
        moves={
            CallStatus.DRAFT: {CallStatus.OPEN},
            CallStatus.OPEN: {CallStatus.CLOSED},
            CallStatus.CLOSED: {CallStatus.OPEN, CallStatus.DECIDED},
            CallStatus.DECIDED: set(),
        },
        log="calls.CallTransition",
    )
)


# The specification's states are core's (one vocabulary with the charter).
SpecStatus = VersionStatus


class Specification(VersionedDocument):
    """One version of the call's « cahier des charges »: ordered articles, each commented while the version is
    open for comments (core's versioned-document pattern, like the charter)."""

    parent_field = "call"

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="specifications")

    class Meta:
        verbose_name = _("version du cahier des charges")
        verbose_name_plural = _("versions du cahier des charges")
        ordering = ["call", "number"]
        constraints = version_constraints(
            "call",
            number="calls_spec_number_unique",
            adopted="calls_one_adopted_spec",
            working="calls_one_working_spec",
        )

    def __str__(self) -> str:
        return f"Cahier des charges v{self.number}"


class SpecificationTransition(VersionLog):
    specification = models.ForeignKey(Specification, on_delete=models.CASCADE, related_name="transitions")


SPEC_MACHINE = version_machine(model="calls.Specification", log="calls.SpecificationTransition")


class SpecArticle(VersionedArticle):
    """An article of one version of the specification."""

    version = models.ForeignKey(Specification, on_delete=models.CASCADE, related_name="articles")

    class Meta:
        verbose_name = _("article du cahier des charges")
        verbose_name_plural = _("articles du cahier des charges")
        ordering = ["version", "position", "pk"]
        constraints = article_constraints(key="calls_spec_article_key_unique")


class SpecComment(VersionedComment):
    article = models.ForeignKey(SpecArticle, on_delete=models.CASCADE, related_name="comments")

    class Meta(VersionedComment.Meta):
        pass


class Criterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField()
    label = models.CharField(_("critère"), max_length=200)
    weight = models.PositiveIntegerField(_("pondération"), default=1)

    class Meta:
        ordering = ["call", "position", "pk"]

    def __str__(self) -> str:
        return self.label


class TargetedNeed(models.Model):
    """An unmet social need the call targets, through the registry's link targets (content type + id):
    the call never imports the app that owns the needs."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="targeted_needs")
    target_key = models.CharField(max_length=60)
    object_id = models.PositiveIntegerField()
    label = models.CharField(max_length=250)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "target_key", "object_id"], name="calls_need_once")
        ]

    def __str__(self) -> str:
        return self.label


class AppStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    SUBMITTED = "submitted", _("déposée")
    INCOMPLETE = "incomplete", _("pièce manquante demandée")
    ELIGIBLE = "eligible", _("éligible")
    INELIGIBLE = "ineligible", _("non éligible")
    SELECTED = "selected", _("lauréate")
    REJECTED = "rejected", _("non retenue")


class Application(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="applications")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="call_applications")
    title = models.CharField(_("titre du projet"), max_length=200)
    summary = models.TextField(_("résumé du projet"), blank=True)
    answers = models.JSONField(default=dict, blank=True)
    checklist = models.JSONField(default=list, blank=True)  # the ticked items of the call's checklist
    requested_amount = models.DecimalField(_("montant demandé (€)"), **MONEY, default=Decimal("0"))
    founded_on = models.DateField(_("date de création de la structure"), null=True, blank=True)
    status = models.CharField(max_length=20, choices=AppStatus.choices, default=AppStatus.DRAFT)
    receipt_number = models.CharField(max_length=30, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    eligibility_reason = models.TextField(blank=True)
    piece_requested = models.TextField(blank=True)
    piece_due_on = models.DateField(null=True, blank=True)
    granted_amount = models.DecimalField(**MONEY, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["call", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "structure"], name="calls_one_application_per_structure")
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.structure}"

    @property
    def is_editable(self) -> bool:
        return self.status in (AppStatus.DRAFT, AppStatus.INCOMPLETE)


class ApplicationTransition(TransitionLog):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="transitions")


APPLICATION_MACHINE = register(
    Machine(
        model="calls.Application",
        moves={
            AppStatus.DRAFT: {AppStatus.SUBMITTED},
            AppStatus.SUBMITTED: {AppStatus.ELIGIBLE, AppStatus.INELIGIBLE, AppStatus.INCOMPLETE},
            AppStatus.INCOMPLETE: {AppStatus.SUBMITTED},
            AppStatus.ELIGIBLE: {AppStatus.SELECTED, AppStatus.REJECTED},
            AppStatus.INELIGIBLE: set(),
            AppStatus.SELECTED: set(),
            AppStatus.REJECTED: set(),
        },
        log="calls.ApplicationTransition",
    )
)


class BudgetLine(models.Model):
    class Kind(models.TextChoices):
        EXPENSE = "expense", _("dépense")
        INCOME = "income", _("recette")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    label = models.CharField(_("poste"), max_length=200)
    funder = models.CharField(_("cofinanceur"), max_length=200, blank=True)
    amount = models.DecimalField(_("montant (€)"), **MONEY)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["application", "kind", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.amount} €)"


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    label = models.CharField(_("intitulé"), max_length=200)
    file = models.FileField(upload_to="calls/attachments/")
    filename = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.label


class JurorStatus(models.TextChoices):
    INVITED = "invited", _("invité")
    ACCEPTED = "accepted", _("membre du jury")
    DECLINED = "declined", _("a décliné")


class Juror(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="jurors")
    email = models.EmailField(_("adresse électronique"))
    name = models.CharField(_("nom"), max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="call_juries"
    )
    status = models.CharField(max_length=20, choices=JurorStatus.choices, default=JurorStatus.INVITED)
    all_applications = models.BooleanField(_("évalue toutes les candidatures"), default=True)
    conflicts_declared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = JurorQuerySet.as_manager()

    class Meta:
        ordering = ["call", "name"]
        constraints = [
            models.UniqueConstraint(fields=["call", "email"], name="calls_juror_once"),
            models.UniqueConstraint(
                fields=["call", "user"], condition=models.Q(user__isnull=False), name="calls_juror_user_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class JurorTransition(TransitionLog):
    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="transitions")


JUROR_MACHINE = register(
    Machine(
        model="calls.Juror",
        moves={
            JurorStatus.INVITED: {JurorStatus.ACCEPTED, JurorStatus.DECLINED},
            JurorStatus.ACCEPTED: set(),
            JurorStatus.DECLINED: set(),
        },
        log="calls.JurorTransition",
    )
)


class Conflict(models.Model):
    """A juror's declared tie to an applicant structure (membership ties are found without declaring)."""

    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="conflicts")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("nature du lien"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["juror", "structure"], name="calls_conflict_once")]

    def __str__(self) -> str:
        return f"Lien de {self.juror} avec {self.structure}"


class Assignment(models.Model):
    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["juror", "application"], name="calls_assign_once")]

    def __str__(self) -> str:
        return f"{self.application} confiée à {self.juror}"


class Score(models.Model):
    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="scores")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("note sur 10"))
    comment = models.TextField(_("commentaire"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["juror", "application", "criterion"], name="calls_score_once"),
            models.CheckConstraint(condition=models.Q(value__lte=10), name="calls_score_max_10"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion} : {self.value}/10"


class GrantStatus(models.TextChoices):
    ACTIVE = "active", _("en cours")
    CLOSED = "closed", _("soldée")
    CANCELLED = "cancelled", _("annulée")


class Grant(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="grant")
    amount = models.DecimalField(_("montant attribué (€)"), **MONEY)
    conditions = models.TextField(_("conditions"), blank=True)
    convention_on = models.DateField(_("date de la convention"))
    status = models.CharField(max_length=20, choices=GrantStatus.choices, default=GrantStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GrantQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Subvention à {self.application.structure}"


class GrantTransition(TransitionLog):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="transitions")


GRANT_MACHINE = register(
    Machine(
        model="calls.Grant",
        moves={
            GrantStatus.ACTIVE: {GrantStatus.CLOSED, GrantStatus.CANCELLED},
            GrantStatus.CLOSED: set(),
            GrantStatus.CANCELLED: set(),
        },
        log="calls.GrantTransition",
    )
)


class Instalment(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="instalments")
    position = models.PositiveIntegerField()
    share = models.PositiveIntegerField(_("part (%)"))
    amount = models.DecimalField(**MONEY)
    due_on = models.DateField(_("échéance"))
    condition = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["grant", "position"]

    def __str__(self) -> str:
        return f"Échéance {self.position} ({self.share} %)"


class Payment(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(_("montant versé (€)"), **MONEY)
    paid_on = models.DateField(_("date du versement"))
    reference = models.CharField(_("référence"), max_length=100, blank=True)

    class Meta:
        ordering = ["paid_on", "pk"]

    def __str__(self) -> str:
        return f"Versement de {self.amount} € le {self.paid_on}"


class ReportStatus(models.TextChoices):
    DUE = "due", _("attendu")
    RECEIVED = "received", _("reçu")


class ReportDue(models.Model):
    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("rapport d'activité")
        ACCOUNTS = "accounts", _("comptes")

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_on = models.DateField(_("attendu le"))
    status = models.CharField(max_length=20, choices=ReportStatus.choices, default=ReportStatus.DUE)
    received_on = models.DateField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} attendu le {self.due_on}"


class ReportTransition(TransitionLog):
    report = models.ForeignKey(ReportDue, on_delete=models.CASCADE, related_name="transitions")


REPORT_MACHINE = register(
    Machine(
        model="calls.ReportDue",
        moves={ReportStatus.DUE: {ReportStatus.RECEIVED}, ReportStatus.RECEIVED: set()},
        log="calls.ReportTransition",
    )
)


class Endowment(models.Model):
    """Money put into the support fund for a year (the territory, the Region, a foundation…)."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="fund_endowments")
    year = models.PositiveIntegerField(_("année"))
    source = models.CharField(_("origine"), max_length=200)
    amount = models.DecimalField(_("montant (€)"), **MONEY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "pk"]

    def __str__(self) -> str:
        return f"{self.source} {self.year} : {self.amount} €"

"""The social-utility self-assessment: a versioned grid, yearly campaigns, a structure's answer sheet.

- A **grid** (`Grid`) belongs to a territory and has a version number. Its themes are the 8 themes of the
  CSESS guide of good practices (the keys of `actors.taxonomy.PRACTICE_THEMES`, which also tag the
  directory's practice sheets). Each theme has questions (`Question`): a scale with labelled levels, yes/no,
  a number with unit, valid range and scoring bounds, or free text. States: draft → published → retired
  (`GRID_MACHINE`, logged in `GridTransition`). A grid that has answers is never edited: the edit services
  copy it into a new draft version and edit the copy, so past answers keep the questions they answered.
- A **campaign** (`Campaign`) is a territory's year, tied to one published grid: open → closed (and back,
  `CAMPAIGN_MACHINE`).
- An **answer sheet** (`AnswerSheet`) is one structure's answers to one campaign: draft → submitted (and
  back when the structure reopens it while the campaign is open: `SHEET_MACHINE`). On submission the scores
  per theme (0–100) are computed and stored with the sheet: a later grid never changes them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.actors.models import Structure
from maillage.assessment.querysets import CampaignQuerySet, GridQuerySet, SheetQuerySet
from maillage.core.machines import Machine, TransitionLog, register
from maillage.core.models import Territory


class GridStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    PUBLISHED = "published", _("publiée")
    RETIRED = "retired", _("remplacée")


class Grid(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="assessment_grids")
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(
        _("titre"), max_length=200, default="Grille d'auto-évaluation de l'utilité sociale"
    )
    introduction = models.TextField(_("introduction"), blank=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=GridStatus.choices, default=GridStatus.DRAFT
    )
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GridQuerySet.as_manager()

    class Meta:
        verbose_name = _("grille d'auto-évaluation")
        verbose_name_plural = _("grilles d'auto-évaluation")
        ordering = ["territory", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "version"], name="assessment_grid_version"),
            models.UniqueConstraint(
                fields=["territory"],
                condition=models.Q(status="published"),
                name="assessment_one_published_grid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class GridTransition(TransitionLog):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("étape d'une grille")


GRID_MACHINE = register(
    Machine(
        model="assessment.Grid",
        moves={
            GridStatus.DRAFT: {GridStatus.PUBLISHED},
            GridStatus.PUBLISHED: {GridStatus.RETIRED},
            GridStatus.RETIRED: set(),
        },
        log="assessment.GridTransition",
    )
)


class Theme(models.Model):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="themes")
    key = models.CharField(_("thème"), max_length=30)  # a key of actors.taxonomy.PRACTICE_THEMES
    label = models.CharField(_("intitulé"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    weight = models.PositiveSmallIntegerField(_("poids"), default=1)
    guidance = models.TextField(_("repères"), blank=True)

    class Meta:
        ordering = ["grid", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["grid", "key"], name="assessment_theme_key")]

    def __str__(self) -> str:
        return self.label


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("échelle")
    YESNO = "yesno", _("oui / non")
    NUMBER = "number", _("nombre")
    TEXT = "text", _("texte libre")


class Question(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="questions")
    # Stable across versions: last year's answer pre-fills the question with the same code.
    code = models.SlugField(_("code"), max_length=40)
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("type"), max_length=8, choices=QuestionKind.choices)
    label = models.CharField(_("question"), max_length=300)
    guidance = models.TextField(_("aide"), blank=True)
    weight = models.PositiveSmallIntegerField(_("poids"), default=1)
    required = models.BooleanField(_("réponse obligatoire"), default=True)
    levels = models.JSONField(_("niveaux"), default=list, blank=True)  # scale: labels, lowest first
    unit = models.CharField(_("unité"), max_length=30, blank=True)
    min_value = models.FloatField(_("valeur minimale"), null=True, blank=True)
    max_value = models.FloatField(_("valeur maximale"), null=True, blank=True)
    # number: the value scoring 0 and the one scoring 100 (linear between, clamped); empty: not scored.
    score_zero = models.FloatField(_("valeur notée 0"), null=True, blank=True)
    score_full = models.FloatField(_("valeur notée 100"), null=True, blank=True)

    class Meta:
        ordering = ["theme__position", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["theme", "code"], name="assessment_question_code")]

    def __str__(self) -> str:
        return self.label

    @property
    def is_scored(self) -> bool:
        if self.kind == QuestionKind.TEXT:
            return False
        if self.kind == QuestionKind.NUMBER:
            return self.score_zero is not None and self.score_full is not None
        return True


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("ouverte")
    CLOSED = "closed", _("close")


class Campaign(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="assessment_campaigns")
    year = models.PositiveSmallIntegerField(_("année"))
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="campaigns")
    status = models.CharField(
        _("statut"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    closes_on = models.DateField(_("date de clôture"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campagne d'auto-évaluation")
        ordering = ["territory", "-year"]
        constraints = [models.UniqueConstraint(fields=["territory", "year"], name="assessment_campaign_year")]

    def __str__(self) -> str:
        return f"Campagne {self.year}"

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN


class CampaignTransition(TransitionLog):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("étape d'une campagne")


CAMPAIGN_MACHINE = register(
    Machine(
        model="assessment.Campaign",
        moves={CampaignStatus.OPEN: {CampaignStatus.CLOSED}, CampaignStatus.CLOSED: {CampaignStatus.OPEN}},
        log="assessment.CampaignTransition",
    )
)


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    SUBMITTED = "submitted", _("transmise")


class AnswerSheet(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="sheets")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="assessment_sheets")
    status = models.CharField(
        _("statut"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("transmise le"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {theme key: score 0–100} and the weighted overall score, written on submission.
    scores = models.JSONField(_("scores par thème"), default=dict, blank=True)
    overall = models.FloatField(_("score global"), null=True, blank=True)
    # The structure's ESS family and size class when it submitted: the territory's groups of a campaign
    # never move afterwards (see aggregates.py).
    family = models.CharField(_("famille de l'ESS"), max_length=20, blank=True)
    size_class = models.CharField(_("taille"), max_length=10, blank=True)
    # The structure chooses whether its results appear on its public profile.
    shared = models.BooleanField(_("résultats publiés sur la fiche"), default=False)
    prefilled_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("réponses d'une structure")
        ordering = ["campaign", "structure__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "structure"], name="assessment_sheet_unique")
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="assessment_sheet_status")]

    def __str__(self) -> str:
        return f"{self.structure} — {self.campaign}"

    @property
    def is_submitted(self) -> bool:
        return self.status == SheetStatus.SUBMITTED


class SheetTransition(TransitionLog):
    sheet = models.ForeignKey(AnswerSheet, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("étape d'une feuille de réponses")


SHEET_MACHINE = register(
    Machine(
        model="assessment.AnswerSheet",
        moves={SheetStatus.DRAFT: {SheetStatus.SUBMITTED}, SheetStatus.SUBMITTED: {SheetStatus.DRAFT}},
        log="assessment.SheetTransition",
    )
)


class Answer(models.Model):
    sheet = models.ForeignKey(AnswerSheet, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # scale: the level's index (int); yes/no: bool; number: float; text: str.
    value = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sheet", "question"], name="assessment_answer_unique")]

    def __str__(self) -> str:
        return f"{self.question.code} = {self.value!r}"

"""Speed-meetings held at an agenda event: participants (from the event's registrations), their ranked wishes
and refusals, the organiser's must-meet pairs and pins, the scheduler's runs and their meetings, follow-ups.

Two objects have a state, each with its machine and its log:
- a speed-meeting: draft → open (wishes) → closed → scheduled → done (`MEETING_MACHINE`);
- a run of the scheduler: queued → running → done | failed (`RUN_MACHINE`). The schedule in force is the
  last run that ended « done » (`is_current`); a failed run leaves it in force.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.actors.models import Structure
from maillage.core.machines import Machine, TransitionLog, register
from maillage.core.models import Territory
from maillage.events.models import Event, Registration
from maillage.matchmaking.querysets import CampaignQuerySet, SpeedMeetingQuerySet


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("en préparation")
    OPEN = "open", _("vœux ouverts")
    CLOSED = "closed", _("vœux clos")
    SCHEDULED = "scheduled", _("planning publié")
    DONE = "done", _("terminé")


class SpeedMeeting(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="speed_meetings")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speed_meetings")
    title = models.CharField(_("titre"), max_length=200)
    side_a = models.CharField(_("premier côté"), max_length=80, default="Structures d'insertion")
    side_b = models.CharField(
        _("second côté"),
        max_length=80,
        blank=True,
        default="Entreprises",
        help_text=_("Laisser vide pour un seul groupe où chacun peut rencontrer chacun."),
    )
    rounds = models.PositiveSmallIntegerField(_("nombre de tours"), default=8)
    round_minutes = models.PositiveSmallIntegerField(_("durée d'un tour (minutes)"), default=7)
    break_minutes = models.PositiveSmallIntegerField(_("pause entre deux tours (minutes)"), default=2)
    tables = models.PositiveSmallIntegerField(_("nombre de tables"), default=10)
    table_names = models.TextField(_("noms des tables"), blank=True, help_text=_("Un nom par ligne."))
    wishes_deadline = models.DateTimeField(_("date limite des vœux"))
    time_limit = models.PositiveSmallIntegerField(_("durée de calcul (secondes)"), default=10)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SpeedMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-event__start"]
        verbose_name = _("speed-meeting")
        verbose_name_plural = _("speed-meetings")

    def __str__(self) -> str:
        return self.title

    @property
    def two_sided(self) -> bool:
        return bool(self.side_b.strip())

    def table_label(self, index: int) -> str:
        names = [n.strip() for n in self.table_names.splitlines() if n.strip()]
        return names[index] if index < len(names) else f"Table {index + 1}"

    def round_start(self, index: int) -> dt.datetime:
        return self.event.start + dt.timedelta(minutes=index * (self.round_minutes + self.break_minutes))

    def round_end(self, index: int) -> dt.datetime:
        return self.round_start(index) + dt.timedelta(minutes=self.round_minutes)

    @property
    def follow_ups_open(self) -> bool:
        """Participants note what their meetings led to once the day is over (or the animation closed it)."""
        if self.status == MeetingStatus.DONE:
            return True
        return self.status == MeetingStatus.SCHEDULED and self.event.end <= timezone.now()


class SpeedMeetingTransition(TransitionLog):
    meeting = models.ForeignKey(SpeedMeeting, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement d'état d'un speed-meeting")
        verbose_name_plural = _("changements d'état des speed-meetings")


MEETING_MACHINE = register(
    Machine(
        model="matchmaking.SpeedMeeting",
        moves={
            MeetingStatus.DRAFT: {MeetingStatus.OPEN},
            MeetingStatus.OPEN: {MeetingStatus.CLOSED, MeetingStatus.DRAFT},
            MeetingStatus.CLOSED: {MeetingStatus.OPEN, MeetingStatus.SCHEDULED},
            MeetingStatus.SCHEDULED: {MeetingStatus.CLOSED, MeetingStatus.DONE},
            MeetingStatus.DONE: set(),
        },
        log="matchmaking.SpeedMeetingTransition",
    )
)


class Participant(models.Model):
    meeting = models.ForeignKey(SpeedMeeting, on_delete=models.CASCADE, related_name="participants")
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="speed_participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("nom"), max_length=200)
    structure = models.ForeignKey(
        Structure, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    structure_name = models.CharField(_("structure"), max_length=250, blank=True)
    side = models.CharField(_("côté"), max_length=1, choices=[("a", "a"), ("b", "b"), ("", "—")], blank=True)
    first_round = models.PositiveSmallIntegerField(_("arrive au tour"), default=1)
    last_round = models.PositiveSmallIntegerField(_("part après le tour"), default=99)
    pitch = models.TextField(_("ce que je propose, ce que je cherche"), blank=True)
    withdrawn = models.BooleanField(default=False)

    class Meta:
        ordering = ["side", "structure_name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "registration"], name="matchmaking_one_participant")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.structure_name} ({self.name})" if self.structure_name else self.name


class Preference(models.Model):
    """A ranked wish (rank 1 = most wanted) or a refusal (rank None, refused True)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="preferences")
    target = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    refused = models.BooleanField(default=False)

    class Meta:
        ordering = ["participant", "refused", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "target"], name="matchmaking_one_preference")
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.target_id} ({'refus' if self.refused else self.rank})"


class MustMeet(models.Model):
    meeting = models.ForeignKey(SpeedMeeting, on_delete=models.CASCADE, related_name="must_meet")
    a = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.a_id} – {self.b_id}"


class Pin(models.Model):
    meeting = models.ForeignKey(SpeedMeeting, on_delete=models.CASCADE, related_name="pins")
    a = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    round = models.PositiveSmallIntegerField()  # from 1
    table = models.PositiveSmallIntegerField(null=True, blank=True)  # from 1

    def __str__(self) -> str:
        return f"{self.a_id} – {self.b_id}, tour {self.round}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("en file d'attente")
    RUNNING = "running", _("en cours")
    DONE = "done", _("terminé")
    FAILED = "failed", _("impossible")


class Run(models.Model):
    meeting = models.ForeignKey(SpeedMeeting, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    is_current = models.BooleanField(default=False)
    method = models.CharField(max_length=80, blank=True)
    levels = models.JSONField(default=list, blank=True)  # [{name, value, bound, optimal, gap}]
    greedy = models.JSONField(default=dict, blank=True)  # {wishes, fairness, meetings, wishes_met}
    messages = models.JSONField(default=list, blank=True)  # French explanations when impossible
    wishes_met = models.PositiveIntegerField(default=0)
    wishes_total = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.meeting_id} / {self.pk} ({self.status})"

    def level(self, name: str) -> dict:
        return next((lv for lv in self.levels if lv["name"] == name), {})


class RunTransition(TransitionLog):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement d'état d'un calcul")
        verbose_name_plural = _("changements d'état des calculs")


RUN_MACHINE = register(
    Machine(
        model="matchmaking.Run",
        moves={
            RunStatus.QUEUED: {RunStatus.RUNNING, RunStatus.FAILED},
            RunStatus.RUNNING: {RunStatus.DONE, RunStatus.FAILED},
            RunStatus.DONE: set(),
            RunStatus.FAILED: set(),
        },
        log="matchmaking.RunTransition",
    )
)


class Slot(models.Model):
    """One meeting of a run's schedule: a pair at a round (from 1) and a table (from 1)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="slots")
    a = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    round = models.PositiveSmallIntegerField()
    table = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["round", "table"]

    def __str__(self) -> str:
        return f"tour {self.round}, table {self.table}"


class Outcome(models.TextChoices):
    CONTRACT = "contract", _("un contrat")
    PARTNERSHIP = "partnership", _("un partenariat")
    VISIT = "visit", _("une visite")
    VIS_MA_VIE = "vis_ma_vie", _("un « vis ma vie »")
    NOTHING = "nothing", _("rien pour l'instant")


class FollowUp(models.Model):
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="follow_ups")
    author = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="follow_ups")
    outcome = models.CharField(_("suite donnée"), max_length=20, choices=Outcome.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["slot", "author"], name="matchmaking_one_follow_up")]

    def __str__(self) -> str:
        return f"{self.slot_id}: {self.outcome}"


# --- « Vis ma vie » ----------------------------------------------------------------------------------------
# A campaign (draft → open → closed → paired → done): volunteers of both sides declare the dates they can
# do and whom they wish to pair with; the optimiser (`scheduler.pairing`) forms one-to-one reciprocal pairs
# (proposed → confirmed when both said yes, or declined); after the exchange each side may leave a testimony
# (submitted → published | rejected by the animation, published only with the author's consent).


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("en préparation")
    OPEN = "open", _("inscriptions ouvertes")
    CLOSED = "closed", _("inscriptions closes")
    PAIRED = "paired", _("binômes formés")
    DONE = "done", _("terminée")


class ExchangeCampaign(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="exchange_campaigns")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("présentation"), blank=True)
    side_a = models.CharField(_("premier côté"), max_length=80, default="Structures d'insertion")
    side_b = models.CharField(_("second côté"), max_length=80, default="Entreprises")
    first_date = models.DateField(_("première date possible"))
    last_date = models.DateField(_("dernière date possible"))
    registration_deadline = models.DateField(_("date limite d'inscription"))
    status = models.CharField(max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    levels = models.JSONField(default=list, blank=True)  # the last pairing's [{name, value, bound, optimal}]
    messages = models.JSONField(default=list, blank=True)  # French explanations when pairing failed
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-first_date", "-pk"]
        verbose_name = _("campagne « vis ma vie »")
        verbose_name_plural = _("campagnes « vis ma vie »")

    def __str__(self) -> str:
        return self.title

    def side_label(self, side: str) -> str:
        return self.side_a if side == "a" else self.side_b

    def days(self) -> list[dt.date]:
        count = (self.last_date - self.first_date).days + 1
        return [self.first_date + dt.timedelta(days=i) for i in range(max(count, 0))]


class CampaignTransition(TransitionLog):
    campaign = models.ForeignKey(ExchangeCampaign, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement d'état d'une campagne « vis ma vie »")
        verbose_name_plural = _("changements d'état des campagnes « vis ma vie »")


CAMPAIGN_MACHINE = register(
    Machine(
        model="matchmaking.ExchangeCampaign",
        moves={
            CampaignStatus.DRAFT: {CampaignStatus.OPEN},
            CampaignStatus.OPEN: {CampaignStatus.CLOSED, CampaignStatus.DRAFT},
            CampaignStatus.CLOSED: {CampaignStatus.OPEN, CampaignStatus.PAIRED},
            CampaignStatus.PAIRED: {CampaignStatus.CLOSED, CampaignStatus.DONE},
            CampaignStatus.DONE: set(),
        },
        log="matchmaking.CampaignTransition",
    )
)


class Volunteer(models.Model):
    campaign = models.ForeignKey(ExchangeCampaign, on_delete=models.CASCADE, related_name="volunteers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("nom"), max_length=200)
    role = models.CharField(_("fonction"), max_length=200, blank=True)
    structure = models.ForeignKey(
        Structure, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    structure_name = models.CharField(_("structure"), max_length=250)
    side = models.CharField(_("côté"), max_length=1, choices=[("a", "a"), ("b", "b")])
    dates = models.JSONField(_("dates possibles"), default=list)  # ISO dates
    wishes = models.JSONField(_("vœux"), default=list)  # volunteer pks of the other side, most wanted first
    presentation = models.TextField(_("ce que je voudrais découvrir"), blank=True)
    withdrawn = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["side", "structure_name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "user"],
                condition=models.Q(user__isnull=False),
                name="matchmaking_one_volunteer",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.name} ({self.structure_name})" if self.structure_name else self.name

    def date_set(self) -> frozenset[dt.date]:
        return frozenset(dt.date.fromisoformat(d) for d in self.dates)


class ExchangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposé")
    CONFIRMED = "confirmed", _("confirmé")
    DECLINED = "declined", _("décliné")


class Exchange(models.Model):
    """A pair: on `first_date` the side-« a » volunteer hosts the other, on `second_date` the reverse."""

    campaign = models.ForeignKey(ExchangeCampaign, on_delete=models.CASCADE, related_name="exchanges")
    a = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="+")
    first_date = models.DateField(_("journée chez le premier"))
    second_date = models.DateField(_("journée chez le second"))
    wished = models.BooleanField(default=False)  # at least one of the two wished the other
    status = models.CharField(max_length=20, choices=ExchangeStatus.choices, default=ExchangeStatus.PROPOSED)
    a_confirmed_at = models.DateTimeField(null=True, blank=True)
    b_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["first_date", "pk"]
        verbose_name = _("binôme « vis ma vie »")
        verbose_name_plural = _("binômes « vis ma vie »")

    def __str__(self) -> str:
        return f"{self.a} – {self.b}"

    def partner_of(self, volunteer: Volunteer) -> Volunteer:
        return self.b if volunteer.pk == self.a_id else self.a

    def confirmed_by(self, volunteer: Volunteer) -> bool:
        return bool(self.a_confirmed_at if volunteer.pk == self.a_id else self.b_confirmed_at)


class ExchangeTransition(TransitionLog):
    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement d'état d'un binôme")
        verbose_name_plural = _("changements d'état des binômes")


EXCHANGE_MACHINE = register(
    Machine(
        model="matchmaking.Exchange",
        moves={
            ExchangeStatus.PROPOSED: {ExchangeStatus.CONFIRMED, ExchangeStatus.DECLINED},
            ExchangeStatus.CONFIRMED: set(),
            ExchangeStatus.DECLINED: set(),
        },
        log="matchmaking.ExchangeTransition",
    )
)


class TestimonyStatus(models.TextChoices):
    SUBMITTED = "submitted", _("à relire")
    PUBLISHED = "published", _("publié")
    REJECTED = "rejected", _("non publié")


class Testimony(models.Model):
    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="testimonies")
    author = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="testimonies")
    text = models.TextField(_("mon témoignage"))
    consent = models.BooleanField(_("j'accepte que ce témoignage soit publié"), default=False)
    status = models.CharField(
        max_length=20, choices=TestimonyStatus.choices, default=TestimonyStatus.SUBMITTED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["exchange", "author"], name="matchmaking_one_testimony")
        ]
        verbose_name = _("témoignage « vis ma vie »")
        verbose_name_plural = _("témoignages « vis ma vie »")

    def __str__(self) -> str:
        return f"{self.author} ({self.get_status_display()})"


class TestimonyTransition(TransitionLog):
    testimony = models.ForeignKey(Testimony, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement d'état d'un témoignage")
        verbose_name_plural = _("changements d'état des témoignages")


TESTIMONY_MACHINE = register(
    Machine(
        model="matchmaking.Testimony",
        moves={
            TestimonyStatus.SUBMITTED: {TestimonyStatus.PUBLISHED, TestimonyStatus.REJECTED},
            TestimonyStatus.PUBLISHED: {TestimonyStatus.REJECTED},
            TestimonyStatus.REJECTED: {TestimonyStatus.PUBLISHED},
        },
        log="matchmaking.TestimonyTransition",
    )
)

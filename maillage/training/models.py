"""Strengthening the actors: the training-needs census, collective sessions, office hours, support follow-up,
resources.

- `Census` (a campaign): themes (`Theme`, editable) and questions (`Question`, one may be shown only when an
  earlier answer has a given value); each structure answers once (`Response`, one per census and structure,
  editable until the deadline) with, per theme, a `ThemeInterest` (staff concerned, priority, periods,
  formats, constraints). Its status follows `CENSUS_MACHINE` (brouillon → ouverte → close).
- `CollectiveSession`: a theme turned into an agenda event (`events.Event`, made by the events services);
  the interested structures are invited first, public registration opens at `priority_until`.
- `Adviser`: a person of the local support scheme or a partner who holds office hours on the territory.
- `OfficeHours`: a recurring offer of an adviser; its RRULE is expanded by `maillage.events.recurrence`
  into `Slot` rows. `Booking`: a structure's booking of a slot; at most one active booking per slot
  (a partial unique constraint). Its state follows `BOOKING_MACHINE` (réservé → annulé).
- `SupportRecord`: the support a structure received, seen by the animation, the advisers and the structure.
- `Resource`: a guide (a file checked by `core.uploads.clean_upload`, or a link).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.actors.models import Structure
from maillage.core.machines import Machine, TransitionLog, register
from maillage.core.models import Territory
from maillage.training.querysets import (
    BookingQuerySet,
    CensusQuerySet,
    ResourceQuerySet,
    SupportRecordQuerySet,
)

DEFAULT_THEMES = (
    "Financements hybrides",
    "Gestion et comptabilité",
    "Fonction employeur",
    "Gouvernance",
    "Numérique",
    "Communication",
    "Achats publics",
    "Fonds européens",
)


class CensusStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    OPEN = "open", _("ouverte")
    CLOSED = "closed", _("close")


class Census(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="training_censuses")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("présentation"), blank=True)
    opens_on = models.DateField(_("ouverture"))
    deadline = models.DateTimeField(_("date limite des réponses"))
    status = models.CharField(
        _("statut"), max_length=20, choices=CensusStatus.choices, default=CensusStatus.DRAFT
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CensusQuerySet.as_manager()

    class Meta:
        verbose_name = _("recensement des besoins")
        verbose_name_plural = _("recensements des besoins")
        ordering = ["-opens_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class CensusTransition(TransitionLog):
    census = models.ForeignKey(Census, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=30, blank=True, choices=CensusStatus.choices)
    to_state = models.CharField(max_length=30, choices=CensusStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement de statut d'un recensement")


CENSUS_MACHINE = register(
    Machine(
        model="training.Census",
        moves={
            CensusStatus.DRAFT: {CensusStatus.OPEN},
            CensusStatus.OPEN: {CensusStatus.CLOSED},
            CensusStatus.CLOSED: {CensusStatus.OPEN},  # reopen (a later deadline)
        },
        log="training.CensusTransition",
    )
)


class Theme(models.Model):
    census = models.ForeignKey(Census, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("thème"), max_length=120)
    description = models.CharField(_("précision"), max_length=300, blank=True)
    threshold = models.PositiveIntegerField(
        _("seuil"), default=5, help_text=_("Nombre de structures intéressées pour proposer une session.")
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["census", "name"], name="training_theme_unique")]

    def __str__(self) -> str:
        return self.name


class QuestionKind(models.TextChoices):
    TEXT = "text", _("réponse libre")
    CHOICE = "choice", _("choix dans une liste")
    YES_NO = "yes_no", _("oui ou non")


class Question(models.Model):
    census = models.ForeignKey(Census, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.TEXT)
    choices = models.JSONField(_("choix"), default=list, blank=True)
    required = models.BooleanField(_("obligatoire"), default=False)
    # Shown only when the answer to `depends_on` equals `depends_value`.
    depends_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dependents",
        verbose_name=_("affichée si la question"),
    )
    depends_value = models.CharField(_("a pour réponse"), max_length=200, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.label


class Response(models.Model):
    census = models.ForeignKey(Census, on_delete=models.CASCADE, related_name="responses")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="training_responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answers = models.JSONField(default=dict, blank=True)  # {question pk (str): answer}
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["census", "structure__name"]
        constraints = [models.UniqueConstraint(fields=["census", "structure"], name="training_response_once")]

    def __str__(self) -> str:
        return f"{self.structure} — {self.census}"


class Priority(models.IntegerChoices):
    HIGH = 1, _("prioritaire")
    MEDIUM = 2, _("utile")
    LOW = 3, _("à plus long terme")


class Period(models.TextChoices):
    Q1 = "q1", _("janvier à mars")
    Q2 = "q2", _("avril à juin")
    Q3 = "q3", _("juillet à septembre")
    Q4 = "q4", _("octobre à décembre")


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("en présentiel")
    ONLINE = "online", _("à distance")
    SHORT = "short", _("demi-journées")


class ThemeInterest(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="interests")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="interests")
    staff = models.PositiveIntegerField(_("personnes concernées"), default=1)
    priority = models.PositiveSmallIntegerField(
        _("priorité"), choices=Priority.choices, default=Priority.MEDIUM
    )
    periods = models.JSONField(_("périodes souhaitées"), default=list, blank=True)
    formats = models.JSONField(_("formats souhaités"), default=list, blank=True)
    constraints = models.CharField(_("contraintes"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "theme"], name="training_interest_once")]

    def __str__(self) -> str:
        return f"{self.response.structure} — {self.theme}"


class Resource(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="training_resources")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    topic = models.CharField(_("sujet"), max_length=120, blank=True)
    file = models.FileField(_("fichier"), upload_to="training/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    url = models.URLField(_("lien"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("ressource")
        ordering = ["topic", "title"]

    def __str__(self) -> str:
        return self.title


class CollectiveSession(models.Model):
    """A « DLA collectif »: a theme of a census turned into an agenda event."""

    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="sessions")
    event = models.OneToOneField("events.Event", on_delete=models.CASCADE, related_name="training_session")
    trainer = models.CharField(_("intervenant"), max_length=200)
    cofunders = models.CharField(_("cofinanceurs"), max_length=300, blank=True)
    priority_until = models.DateTimeField(_("réservé aux structures intéressées jusqu'au"))
    public_opened_at = models.DateTimeField(null=True, blank=True)
    invited = models.ManyToManyField(Structure, blank=True, related_name="+")
    resources = models.ManyToManyField(Resource, blank=True, related_name="sessions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.event)


class Adviser(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="training_advisers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.CharField(_("organisme"), max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["territory", "user"], name="training_adviser_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class OfficeHours(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="office_hours")
    adviser = models.ForeignKey(Adviser, on_delete=models.CASCADE, related_name="office_hours")
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("présentation"), blank=True)
    rrule = models.CharField(_("règle de récurrence"), max_length=300)
    first_start = models.DateTimeField(_("premier créneau"))
    slot_minutes = models.PositiveIntegerField(_("durée d'un créneau (minutes)"), default=45)
    slots_per_occurrence = models.PositiveIntegerField(_("créneaux à la suite"), default=1)
    materialised_until = models.DateTimeField(null=True, blank=True, editable=False)
    place = models.CharField(_("lieu"), max_length=300, blank=True)
    online_url = models.URLField(_("lien de la visioconférence"), blank=True)
    resources = models.ManyToManyField(Resource, blank=True, related_name="office_hours")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("permanence")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Slot(models.Model):
    office_hours = models.ForeignKey(OfficeHours, on_delete=models.CASCADE, related_name="slots")
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["office_hours", "start"], name="training_slot_unique"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="training_slot_end"),
        ]

    def __str__(self) -> str:
        return f"{self.office_hours} — {self.start:%Y-%m-%d %H:%M}"


class BookingState(models.TextChoices):
    BOOKED = "booked", _("réservé")
    CANCELLED = "cancelled", _("annulé")


class Booking(models.Model):
    # SET_NULL: a slot the adviser deletes leaves its cancelled booking (and its copy of the time) behind.
    slot = models.ForeignKey(Slot, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings")
    office_hours = models.ForeignKey(OfficeHours, on_delete=models.CASCADE, related_name="bookings")
    start = models.DateTimeField()
    end = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="training_bookings"
    )
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="training_bookings")
    topic = models.CharField(_("sujet"), max_length=300)
    state = models.CharField(max_length=20, choices=BookingState.choices, default=BookingState.BOOKED)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            # Never two bookings on one slot: the database says so, whatever the requests' timing.
            models.UniqueConstraint(
                fields=["slot"], condition=models.Q(state="booked"), name="training_one_booking_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.structure} — {self.start:%Y-%m-%d %H:%M}"


class BookingTransition(TransitionLog):
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=30, blank=True, choices=BookingState.choices)
    to_state = models.CharField(max_length=30, choices=BookingState.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement d'état d'une réservation")


BOOKING_MACHINE = register(
    Machine(
        model="training.Booking",
        moves={BookingState.BOOKED: {BookingState.CANCELLED}, BookingState.CANCELLED: set()},
        log="training.BookingTransition",
        field="state",
    )
)


class SupportKind(models.TextChoices):
    DLA = "dla", _("DLA individuel")
    OFFICE_HOURS = "office_hours", _("permanence")
    TRAINING = "training", _("formation")
    FUNDING = "funding", _("conseil en financement")
    EUROPE = "europe", _("fonds européens")


class SupportRecord(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="support_records")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="support_records")
    kind = models.CharField(_("type d'accompagnement"), max_length=20, choices=SupportKind.choices)
    date = models.DateField(_("date"))
    summary = models.TextField(_("résumé"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SupportRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("accompagnement")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.structure} — {self.get_kind_display()}"

"""The agenda: events (one date), recurring series (their occurrences are events), registrations.

- `Series`: an RRULE expanded in Europe/Paris local time (`recurrence.py`); its occurrences are materialised
  ahead as `Event` rows (`series` + `recurrence_id`), each with its own host, place, capacity and
  registrations.
- `Event`: one date. Its status follows `EVENT_MACHINE`; every change is an `EventTransition` row.
- `Registration`: a seat (or a place on the waitlist) for a person, by account or by e-mail alone. The event
  row is locked while seats are counted (`core.db.lock_row`), so an event is never overbooked; the waitlist is
  ordered by `sequence`, drawn under that lock from `Event.registration_counter` (commit order, no gap).
  Its state follows `REGISTRATION_MACHINE`; every change is a `RegistrationTransition` row.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.actors.models import Structure
from maillage.core.machines import Machine, TransitionLog, register
from maillage.core.models import Commune, Territory
from maillage.events.choices import Kind, Mode, OnHoliday, RegistrationState, Status, Visibility
from maillage.events.querysets import EventQuerySet, RegistrationQuerySet

__all__ = [
    "EVENT_MACHINE",
    "REGISTRATION_MACHINE",
    "Campaign",
    "Event",
    "EventPhoto",
    "EventTransition",
    "Kind",
    "Message",
    "Mode",
    "OnHoliday",
    "Registration",
    "RegistrationTransition",
    "Series",
    "Status",
    "Visibility",
]


class PlaceFields(models.Model):
    """Where and how: shared by a series (its defaults) and an event."""

    mode = models.CharField(_("format"), max_length=20, choices=Mode.choices, default=Mode.IN_PERSON)
    venue = models.CharField(_("lieu"), max_length=200, blank=True, help_text=_("Ex. : Salle des fêtes."))
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("commune")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    online_url = models.URLField(_("lien de la visioconférence"), blank=True)
    accessibility = models.TextField(
        _("accessibilité du lieu"),
        blank=True,
        help_text=_("Accès en fauteuil roulant, boucle magnétique, transports en commun…"),
    )
    capacity = models.PositiveIntegerField(
        _("nombre de places"), null=True, blank=True, help_text=_("Laisser vide pour ne pas limiter.")
    )

    class Meta:
        abstract = True

    @property
    def coordinates(self) -> tuple[float, float] | None:
        if self.latitude is not None and self.longitude is not None:
            return (self.latitude, self.longitude)
        if self.commune_id and self.commune.latitude is not None:
            return self.commune.centroid
        return None

    @property
    def place_label(self) -> str:
        parts = [p for p in (self.venue, self.address, self.commune.name if self.commune_id else "") if p]
        if self.mode == Mode.ONLINE:
            return str(_("En ligne"))
        label = ", ".join(parts)
        if self.mode == Mode.HYBRID:
            label = f"{label} {_('(et en ligne)')}".strip()
        return label


class Campaign(models.Model):
    """A campaign such as the « Mois de l'ESS »: actors propose events, the animator validates them."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="event_campaigns")
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=120)
    description = models.TextField(_("présentation"), blank=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    proposals_open = models.BooleanField(_("propositions ouvertes"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "slug"], name="events_campaign_slug_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="events_campaign_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.title


def _new_uid() -> str:
    return f"series-{uuid.uuid4()}"


class Series(PlaceFields):
    """A recurring event: an RRULE from a first local date and time (Europe/Paris)."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="event_series")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, default=Kind.RENDEZ_VOUS)
    visibility = models.CharField(
        _("public"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    rrule = models.CharField(
        _("règle de récurrence"), max_length=300, help_text="RFC 5545, ex. FREQ=MONTHLY;BYDAY=1FR"
    )
    first_start = models.DateTimeField(_("première date"))
    duration = models.DurationField(_("durée"), default=dt.timedelta(hours=2))
    on_holiday = models.CharField(
        _("dates tombant un jour férié"), max_length=10, choices=OnHoliday.choices, default=OnHoliday.KEEP
    )
    hosts = models.ManyToManyField(
        Structure, blank=True, related_name="+", verbose_name=_("structures d'accueil")
    )
    # The date up to which occurrences exist as events (the periodic job moves it forward).
    materialised_until = models.DateTimeField(null=True, blank=True)
    # When a series is split (« celle-ci et les suivantes »), the new one points to the one it continues.
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uid = models.CharField(max_length=80, unique=True, default=_new_uid, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("série")
        verbose_name_plural = _("séries")
        ordering = ["first_start"]

    def __str__(self) -> str:
        return self.title


class Event(PlaceFields):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=120)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, default=Kind.RENDEZ_VOUS)
    visibility = models.CharField(
        _("public"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    hosts = models.ManyToManyField(
        Structure, blank=True, related_name="hosted_events", verbose_name=_("structures d'accueil")
    )
    image = models.ImageField(_("image"), upload_to="events/", blank=True)
    image_alt = models.CharField(_("description de l'image"), max_length=250, blank=True)
    registration_open = models.BooleanField(_("inscriptions ouvertes"), default=True)
    questions = models.JSONField(
        _("questions aux inscrits"),
        default=list,
        blank=True,
        help_text=_("Une question par ligne (facultatives)."),
    )
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("campagne"),
    )
    campaign_validated = models.BooleanField(_("validé pour la campagne"), default=False)
    # Occurrence of a series: the series and the original start (RECURRENCE-ID); `is_override` when this date
    # was changed on its own (« cette date »), so edits of the whole series leave it alone.
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="occurrences"
    )
    recurrence_id = models.DateTimeField(null=True, blank=True)
    is_override = models.BooleanField(default=False)
    # Drawn under the event's lock: every registration's `sequence` (commit order, no gap).
    registration_counter = models.PositiveIntegerField(default=0, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The closing report, written after the event.
    report = models.TextField(_("compte rendu"), blank=True, help_text=_("Markdown."))
    report_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["territory", "status", "start"], name="events_event_agenda_idx")]
        constraints = [
            models.UniqueConstraint(fields=["territory", "slug"], name="events_event_slug_unique"),
            models.UniqueConstraint(
                fields=["series", "recurrence_id"],
                condition=models.Q(series__isnull=False),
                name="events_event_occurrence_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="events_event_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_past(self) -> bool:
        return self.end <= timezone.now()

    @property
    def accepts_registrations(self) -> bool:
        return self.status == Status.PUBLISHED and self.registration_open and self.start > timezone.now()

    def can_become(self, status: str) -> bool:
        return EVENT_MACHINE.can(self.status, status)


class EventTransition(TransitionLog):
    """One line of an event's history (who, when, from, to, note)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="transitions")
    # The statuses' choices, for their labels in the history (« brouillon → publié »).
    from_state = models.CharField(max_length=30, blank=True, choices=Status.choices)
    to_state = models.CharField(max_length=30, choices=Status.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement de statut d'un événement")

    def __str__(self) -> str:
        return f"{self.event_id}: {self.from_state or '∅'} → {self.to_state}"


# The event's machine: from → the statuses it may go to. Services move it with `core.machines.transition`.
EVENT_MACHINE = register(
    Machine(
        model="events.Event",
        moves={
            Status.DRAFT: {Status.PUBLISHED, Status.CANCELLED},
            Status.PUBLISHED: {Status.CANCELLED, Status.CLOSED, Status.DRAFT},
            Status.CANCELLED: set(),
            Status.CLOSED: {Status.PUBLISHED},  # reopen registrations (before the event)
        },
        log="events.EventTransition",
    )
)


def _checkin_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
    return "".join(secrets.choice(alphabet) for _ in range(6))


class Registration(models.Model):
    State = RegistrationState

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    email = models.EmailField(_("adresse électronique"))
    name = models.CharField(_("nom"), max_length=200)
    structure = models.ForeignKey(
        Structure,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("structure"),
    )
    structure_name = models.CharField(_("structure"), max_length=250, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    # An unconfirmed e-mail registration holds a seat until `hold_until` (if there was one).
    holds_seat = models.BooleanField(default=False)
    hold_until = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)  # order on the waitlist (commit order)
    checkin_code = models.CharField(max_length=8, default=_checkin_code)
    attended = models.BooleanField(default=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["event", "sequence", "pk"]
        indexes = [models.Index(fields=["event", "state"], name="events_reg_event_state_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~models.Q(state="cancelled"),
                name="events_registration_one_per_email",
            ),
            models.UniqueConstraint(
                fields=["event", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="events_registration_seq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.event}"

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.REGISTERED, self.State.WAITLISTED)

    @property
    def display_name(self) -> str:
        """The name lists, the check-in page and the feuille d'émargement show: never an e-mail address
        (a registration made before names were asked may hold one: its local part is shown)."""
        name = " ".join((self.name or "").split())
        if "@" in name:
            name = name.split("@", 1)[0]
        return name or self.email.split("@", 1)[0]


class RegistrationTransition(TransitionLog):
    """One line of a registration's history: confirmed, waitlisted, promoted, cancelled (who, when)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=30, blank=True, choices=RegistrationState.choices)
    to_state = models.CharField(max_length=30, choices=RegistrationState.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement d'état d'une inscription")

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.from_state or '∅'} → {self.to_state}"


# A registration's machine. « pending »: an e-mail registration waiting for its confirmation link; a seat
# (« registered ») or the waitlist once confirmed; the waitlist moves up to a seat; any may be cancelled.
REGISTRATION_MACHINE = register(
    Machine(
        model="events.Registration",
        moves={
            RegistrationState.PENDING: {
                RegistrationState.REGISTERED,
                RegistrationState.WAITLISTED,
                RegistrationState.CANCELLED,
            },
            RegistrationState.REGISTERED: {RegistrationState.CANCELLED},
            RegistrationState.WAITLISTED: {RegistrationState.REGISTERED, RegistrationState.CANCELLED},
            RegistrationState.CANCELLED: set(),
        },
        log="events.RegistrationTransition",
        field="state",
    )
)


class EventPhoto(models.Model):
    """A photo of the closing report; recognisable people must have agreed (checked by the uploader)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="events/photos/")
    caption = models.CharField(_("légende"), max_length=250)
    consent = models.BooleanField(_("consentement des personnes reconnaissables"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.caption


class Message(models.Model):
    """A « message aux inscrits », logged; the mails go through the queue."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="messages")
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("message"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipients_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.subject

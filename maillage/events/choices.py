"""The agenda's enumerations, apart from the models so that `querysets.py` (imported by `models.py`) can use
them. `models.py` re-exports them: `from maillage.events.models import Status` keeps working."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    RENDEZ_VOUS = "rendez_vous", _("Rendez-vous de l'ESS")
    WORKSHOP_MEETING = "reunion_atelier", _("réunion d'atelier")
    TRAINING = "formation", _("formation")
    PLENARY = "pleniere", _("plénière")
    SPEED_MEETING = "speed_meeting", _("speed-meeting")
    CAMPAIGN = "campagne", _("événement de campagne")
    OTHER = "autre", _("autre rendez-vous")


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("sur place")
    ONLINE = "online", _("en ligne")
    HYBRID = "hybrid", _("sur place et en ligne")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("ouvert à tous")
    MEMBERS = "members", _("réservé aux membres des structures")


class Status(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    PUBLISHED = "published", _("publié")
    CANCELLED = "cancelled", _("annulé")
    CLOSED = "closed", _("clos")


class OnHoliday(models.TextChoices):
    """What a series does with a date that falls on a French public holiday."""

    SKIP = "skip", _("ne pas tenir ces dates")
    MOVE = "move", _("les reporter au jour ouvré suivant")
    KEEP = "keep", _("les maintenir")


class RegistrationState(models.TextChoices):
    PENDING = "pending", _("à confirmer")
    REGISTERED = "registered", _("inscrit")
    WAITLISTED = "waitlisted", _("liste d'attente")
    CANCELLED = "cancelled", _("annulé")

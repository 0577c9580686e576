"""Dates as the plan writes them: a day, or a vaguer month, quarter, semester, year, or « en cours »."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


class Precision(models.TextChoices):
    """How precise a schedule date is: a vague « premier semestre 2013 » is a semester band, not a day."""

    DAY = "day", _("jour")
    MONTH = "month", _("mois")
    QUARTER = "quarter", _("trimestre")
    SEMESTER = "semester", _("semestre")
    YEAR = "year", _("année")
    ONGOING = "ongoing", _("en cours")


def period_bounds(date: dt.date | None, precision: str) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day a (date, precision) pair covers. « En cours » has no bounds of its own."""
    if date is None or precision == Precision.ONGOING:
        return (date, None)
    if precision == Precision.DAY:
        return (date, date)
    if precision == Precision.MONTH:
        first_month, months = date.month, 1
    elif precision == Precision.QUARTER:
        first_month, months = 3 * ((date.month - 1) // 3) + 1, 3
    elif precision == Precision.SEMESTER:
        first_month, months = 1 if date.month <= 6 else 7, 6
    else:
        first_month, months = 1, 12
    last_month = first_month + months - 1
    start = dt.date(date.year, first_month, 1)
    end = dt.date(date.year, last_month, calendar.monthrange(date.year, last_month)[1])
    return (start, end)


def describe_date(date: dt.date | None, precision: str) -> str:
    """« juin 2013 », « 2e trimestre 2013 », « 1er semestre 2013 », « 2013 », « en cours », « 7 juin »."""
    if precision == Precision.ONGOING:
        return "en cours" if date is None else f"en cours depuis {MONTHS_FR[date.month - 1]} {date.year}"
    if date is None:
        return "date à préciser"
    if precision == Precision.DAY:
        day = "1er" if date.day == 1 else str(date.day)
        return f"{day} {MONTHS_FR[date.month - 1]} {date.year}"
    if precision == Precision.MONTH:
        return f"{MONTHS_FR[date.month - 1]} {date.year}"
    if precision == Precision.QUARTER:
        quarter = (date.month - 1) // 3 + 1
        return f"{'1er' if quarter == 1 else f'{quarter}e'} trimestre {date.year}"
    if precision == Precision.SEMESTER:
        return f"{'1er' if date.month <= 6 else '2d'} semestre {date.year}"
    return str(date.year)

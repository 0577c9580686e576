"""Recurrence rules (RFC 5545 RRULE) expanded in Europe/Paris local time, and their French summary.

A series starts at a local date and time (« 18:00 »); its rule is expanded on naive local datetimes and each
date is then placed in Europe/Paris, so an 18:00 Rendez-vous stays at 18:00 across the March and October clock
changes (its UTC time moves by an hour). Rules are validated before use: an unknown or sub-daily frequency,
a rule that yields no date, or one that yields more than `MAX_OCCURRENCES` dates in the materialisation
window is refused with a French message.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
from dateutil import rrule as du_rrule
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillage.core.text import long_date

PARIS = ZoneInfo("Europe/Paris")
MAX_OCCURRENCES = (
    400  # in one materialisation window (a daily training over a year fits, a minutely rule does not)
)
AHEAD = dt.timedelta(days=366)  # how far ahead occurrences are materialised

ALLOWED_FREQS = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
ALLOWED_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST"}

DAYS = {
    "MO": "lundi",
    "TU": "mardi",
    "WE": "mercredi",
    "TH": "jeudi",
    "FR": "vendredi",
    "SA": "samedi",
    "SU": "dimanche",
}
ORDINALS = {
    1: "premier",
    2: "deuxième",
    3: "troisième",
    4: "quatrième",
    5: "cinquième",
    -1: "dernier",
    -2: "avant-dernier",
}
MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


def parse_parts(rule: str) -> dict[str, str]:
    text = (rule or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts: dict[str, str] = {}
    for chunk in text.split(";"):
        if not chunk.strip():
            continue
        key, sep, value = chunk.partition("=")
        key = key.strip().upper()
        if not sep or not value.strip():
            raise ValidationError(
                "La règle de récurrence est mal écrite (« %(chunk)s »).", params={"chunk": chunk}
            )
        if key not in ALLOWED_PARTS:
            raise ValidationError(
                "La règle de récurrence contient « %(key)s », qui n'est pas accepté.", params={"key": key}
            )
        parts[key] = value.strip().upper()
    if "FREQ" not in parts:
        raise ValidationError("La règle de récurrence doit indiquer une fréquence (FREQ=MONTHLY, WEEKLY…).")
    if parts["FREQ"] not in ALLOWED_FREQS:
        raise ValidationError("La fréquence doit être quotidienne, hebdomadaire, mensuelle ou annuelle.")
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValidationError("Indiquez soit un nombre de dates, soit une date de fin, pas les deux.")
    return parts


def normalise(rule: str) -> str:
    parts = parse_parts(rule)
    order = ["FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS", "WKST", "COUNT", "UNTIL"]
    return ";".join(f"{k}={parts[k]}" for k in order if k in parts)


def _naive_local(value: dt.datetime) -> dt.datetime:
    if timezone.is_aware(value):
        value = value.astimezone(PARIS)
    return value.replace(tzinfo=None)


def _rule(rule: str, first_start: dt.datetime) -> du_rrule.rrule:
    parts = parse_parts(rule)
    text = normalise(rule)
    if "UNTIL" in parts:
        # UNTIL is compared with naive local datetimes: drop a trailing Z (we read it as a local date).
        text = text.replace(f"UNTIL={parts['UNTIL']}", f"UNTIL={parts['UNTIL'].rstrip('Z')}")
    try:
        return du_rrule.rrulestr(text, dtstart=_naive_local(first_start))
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            "La règle de récurrence n'est pas valide : %(error)s", params={"error": exc}
        ) from exc


def localise(naive: dt.datetime) -> dt.datetime:
    """A naive Europe/Paris wall time as an aware datetime (fold=0: the first of an ambiguous hour)."""
    return naive.replace(tzinfo=PARIS)


def occurrences(
    rule: str,
    first_start: dt.datetime,
    *,
    after: dt.datetime | None = None,
    before: dt.datetime | None = None,
) -> list[dt.datetime]:
    """The aware start datetimes of the rule in [after, before] (inclusive), local wall time kept."""
    expanded = _rule(rule, first_start)
    lo = _naive_local(after) if after else _naive_local(first_start)
    hi = _naive_local(before) if before else lo + AHEAD
    result = []
    for naive in expanded.xafter(lo, inc=True):
        if naive > hi:
            break
        result.append(localise(naive))
        if len(result) > MAX_OCCURRENCES:
            break
    return result


def validate(rule: str, first_start: dt.datetime) -> str:
    """The normalised rule, or a French ValidationError (no date, too many dates)."""
    text = normalise(rule)
    dates = occurrences(text, first_start, after=first_start, before=_naive_local(first_start) + AHEAD)
    if not dates:
        raise ValidationError(
            "Cette règle ne produit aucune date : vérifiez la fréquence, les jours et la date de fin."
        )
    if len(dates) > MAX_OCCURRENCES:
        raise ValidationError(
            "Cette règle produit plus de %(max)s dates sur un an : choisissez une fréquence moins élevée.",
            params={"max": MAX_OCCURRENCES},
        )
    return text


def public_holidays(years: list[int] | range) -> dict[dt.date, str]:
    """French public holidays (metropolitan France, the `holidays` package) of `years`, named in French."""
    return dict(holidays.France(years=list(years), language="fr"))


def holidays_among(dates: list[dt.datetime]) -> list[tuple[dt.datetime, str]]:
    """The dates (aware, local) that fall on a French public holiday, with the holiday's name."""
    if not dates:
        return []
    days = public_holidays(range(dates[0].astimezone(PARIS).year, dates[-1].astimezone(PARIS).year + 2))
    found = []
    for value in dates:
        name = days.get(value.astimezone(PARIS).date())
        if name:
            found.append((value, name))
    return found


def next_working_day(value: dt.datetime) -> dt.datetime:
    """The same local time on the next day that is neither a weekend nor a public holiday."""
    local = value.astimezone(PARIS).replace(tzinfo=None)
    days = public_holidays(range(local.year, local.year + 2))
    candidate = local + dt.timedelta(days=1)
    while candidate.weekday() >= 5 or candidate.date() in days:
        candidate += dt.timedelta(days=1)
    return localise(candidate)


def _time_fr(value: dt.datetime) -> str:
    local = value.astimezone(PARIS) if timezone.is_aware(value) else value
    return f"{local.hour} h" if local.minute == 0 else f"{local.hour} h {local.minute:02d}"


def _byday_fr(byday: str, *, with_ordinal: bool) -> list[str]:
    labels = []
    for token in byday.split(","):
        code = token[-2:]
        number = token[:-2]
        day = DAYS.get(code, code)
        if number and with_ordinal:
            n = int(number)
            labels.append(f"{ORDINALS.get(n, f'{n}e')} {day}")
        else:
            labels.append(day)
    return labels


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def summary_fr(rule: str, first_start: dt.datetime) -> str:
    """« le premier vendredi de chaque mois à 18 h », « chaque mardi à 9 h 30 »,
    « tous les 2 jours à 10 h »…"""
    parts = parse_parts(rule)
    freq = parts["FREQ"]
    interval = int(parts.get("INTERVAL", "1") or 1)
    local = first_start.astimezone(PARIS) if timezone.is_aware(first_start) else first_start
    at = f"à {_time_fr(first_start)}"
    if freq == "DAILY":
        text = "chaque jour" if interval == 1 else f"tous les {interval} jours"
    elif freq == "WEEKLY":
        days = (
            _byday_fr(parts["BYDAY"], with_ordinal=False)
            if "BYDAY" in parts
            else [DAYS[list(DAYS)[local.weekday()]]]
        )
        if interval == 1:
            text = "chaque " + _join(days)
        elif interval == 2 and len(days) == 1:
            text = f"un {days[0]} sur deux"
        else:
            text = f"toutes les {interval} semaines, le " + _join(days)
    elif freq == "MONTHLY":
        every = (
            "de chaque mois"
            if interval == 1
            else ("un mois sur deux" if interval == 2 else f"tous les {interval} mois")
        )
        if "BYDAY" in parts and "BYSETPOS" in parts and "," not in parts["BYDAY"]:
            n = int(parts["BYSETPOS"])
            what = f"le {ORDINALS.get(n, f'{n}e')} {DAYS.get(parts['BYDAY'][-2:], '')}"
        elif "BYDAY" in parts:
            what = "le " + _join(_byday_fr(parts["BYDAY"], with_ordinal=True))
        elif "BYMONTHDAY" in parts:
            days = [
                ("1er" if d == "1" else ("dernier jour" if d == "-1" else d))
                for d in parts["BYMONTHDAY"].split(",")
            ]
            what = "le " + _join(days)
        else:
            what = "le " + ("1er" if local.day == 1 else str(local.day))
        text = f"{what} {every}" if interval == 1 else f"{what}, {every}"
    else:  # YEARLY
        day = "1er" if local.day == 1 else str(local.day)
        text = f"chaque année le {day} {MONTHS[local.month - 1]}"
    text = f"{text} {at}"
    if "COUNT" in parts:
        count = int(parts["COUNT"])
        text += f", {count} fois" if count > 1 else ", une fois"
    elif "UNTIL" in parts:
        until = du_rrule.rrulestr(
            f"FREQ=DAILY;UNTIL={parts['UNTIL'].rstrip('Z')}", dtstart=_naive_local(first_start)
        )._until
        if until:
            text += f", jusqu'au {long_date(until.date())}"
    return text

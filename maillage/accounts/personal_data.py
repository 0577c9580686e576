"""What accounts keeps about a person, how it is exported and how it is erased (RGPD).

The accounts hook runs last (order 1000): every other app's hook has already removed or anonymised its own
rows. It then removes what only accounts can see as a whole: login-attempt logs (django-axes), the person's
sessions, the user and role history (django-simple-history) and the `history_user` of every historical row,
task arguments that mention the person's addresses (django-tasks-db), the personal-data access log, the
admin log, and finally the user itself (its e-mail addresses and MFA authenticators go with it).

The scrubbing helpers below are generic and used by the accounts hook only; other apps' hooks clean their own
live tables and leave the history tables to these helpers.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from importlib import import_module
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Cast
from django_tasks_db.models import DBTaskResult
from simple_history.models import HistoricalChanges

from maillage.accounts.models import TerritoryRole, User
from maillage.core.machines import TransitionLog
from maillage.core.models import PersonalDataAccess
from maillage.core.registry import PersonalDataHook

REDACTED = "[donnée effacée]"


# --- text helpers -------------------------------------------------------------------------------------
def needles_for(user: User) -> list[str]:
    """Every address the person used: the account's e-mail and every allauth EmailAddress, lower-cased."""
    found = {user.email.lower()} if user.email else set()
    found.update(e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    return sorted(n for n in found if n)


def _json_forms(needles: Iterable[str]) -> list[str]:
    """The needles as they may appear inside serialised JSON (non-ASCII characters escaped)."""
    forms: set[str] = set()
    for needle in needles:
        forms.add(needle)
        forms.add(json.dumps(needle)[1:-1])
    return sorted(forms)


def redact_text(value: str, needles: Iterable[str]) -> str:
    for needle in needles:
        value = re.sub(re.escape(needle), REDACTED, value, flags=re.IGNORECASE)
    return value


def redact_json(value: Any, needles: Iterable[str]) -> Any:
    """A copy of a JSON value where every string (keys included) mentioning a needle is redacted."""
    needles = list(needles)
    if isinstance(value, str):
        return redact_text(value, needles)
    if isinstance(value, list):
        return [redact_json(v, needles) for v in value]
    if isinstance(value, dict):
        return {redact_text(str(k), needles): redact_json(v, needles) for k, v in value.items()}
    return value


def _mentions(model: type[models.Model], field_names: Iterable[str], needles: Iterable[str]) -> models.Q:
    """A condition matching rows where one of the text or JSON fields contains a needle (any case)."""
    condition = models.Q()
    for name in field_names:
        field = model._meta.get_field(name)
        lookup = f"_txt_{name}" if isinstance(field, models.JSONField) else name
        forms = _json_forms(needles) if isinstance(field, models.JSONField) else needles
        for needle in forms:
            condition |= models.Q(**{f"{lookup}__icontains": needle})
    return condition


def _text_field_names(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField) and not f.primary_key
    ]


def redact_rows(qs: models.QuerySet, field_names: Iterable[str], needles: Iterable[str]) -> int:
    """Redact the needles in the given fields of every row of `qs` that mentions one. Returns a count."""
    model = qs.model
    field_names = list(field_names)
    needles = list(needles)
    if not field_names or not needles:
        return 0
    annotations = {
        f"_txt_{name}": Cast(name, models.TextField())
        for name in field_names
        if isinstance(model._meta.get_field(name), models.JSONField)
    }
    matching = qs.annotate(**annotations).filter(_mentions(model, field_names, needles))
    count = 0
    for row in matching.only("pk", *field_names).iterator():
        changes: dict[str, Any] = {}
        for name in field_names:
            field = model._meta.get_field(name)
            old = getattr(row, name)
            if old is None:
                continue
            if isinstance(field, models.JSONField):
                new = redact_json(old, needles)
            elif isinstance(field, models.EmailField) and old.lower() in needles:
                new = ""
            else:
                new = redact_text(old, needles)
            if field.max_length and isinstance(new, str):
                new = new[: field.max_length]
            if new != old:
                changes[name] = new
        if changes:
            model._base_manager.filter(pk=row.pk).update(**changes)
            count += 1
    return count


# --- task arguments -----------------------------------------------------------------------------------
_TASK_TEXT_FIELDS = ("args_kwargs", "return_value", "traceback", "exception_class_path")


def find_task_results_mentioning(text: str) -> models.QuerySet[DBTaskResult]:
    """Stored tasks (django-tasks-db) whose arguments, result or traceback contain `text` (any case)."""
    annotations = {
        "_txt_args_kwargs": Cast("args_kwargs", models.TextField()),
        "_txt_return_value": Cast("return_value", models.TextField()),
    }
    return DBTaskResult.objects.annotate(**annotations).filter(
        _mentions(DBTaskResult, _TASK_TEXT_FIELDS, [text])
    )


def scrub_task_arguments(needles: Iterable[str]) -> int:
    """Redact the needles in every stored task's arguments, return value and traceback."""
    return redact_rows(DBTaskResult.objects.all(), _TASK_TEXT_FIELDS, needles)


# --- history (django-simple-history) ------------------------------------------------------------------
def historical_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if issubclass(m, HistoricalChanges)]


def anonymise_history(user_pk: int, needles: Iterable[str]) -> int:
    """Cut every historical row from the person: `history_user` and any other link to the user become
    NULL, and the person's addresses are redacted from every text column (change reasons included).
    The history of the person's own roles is deleted outright.

    Run after the user is deleted, so the rows that the deletion itself wrote are caught too (the
    history_user foreign key is checked at commit, both on SQLite and PostgreSQL)."""
    needles = list(needles)
    count = TerritoryRole.history.filter(user_id=user_pk).delete()[0]
    for model in historical_models():
        field_names = {f.name for f in model._meta.concrete_fields}
        if "history_user" in field_names:  # m2m history tables (simple_history m2m_fields) have none
            count += model._base_manager.filter(history_user_id=user_pk).update(history_user=None)
        for field in model._meta.concrete_fields:
            if (
                field.is_relation
                and field.related_model is User
                and field.name != "history_user"
                and field.null
            ):
                count += model._base_manager.filter(**{field.attname: user_pk}).update(
                    **{field.attname: None}
                )
        count += redact_rows(model._base_manager.all(), _text_field_names(model), needles)
    return count


# --- state machines' logs -----------------------------------------------------------------------------
ERASED_ACTOR = "Personne effacée"


def detach_transition_logs(user: User, needles: Iterable[str]) -> int:
    """Every state machine's log (`TransitionLog`) forgets the person: the lines they signed lose the
    account and the name (`actor_label` holds the name, or the address, of who did it), and the addresses
    are redacted from the notes. Apps may have relabelled their own lines first; this catches the rest."""
    count = 0
    for model in apps.get_models():
        if issubclass(model, TransitionLog):
            count += model._base_manager.filter(actor=user).update(actor=None, actor_label=ERASED_ACTOR)
            count += redact_rows(model._base_manager.all(), ["actor_label", "note"], needles)
    return count


# --- sessions, login attempts, logs -------------------------------------------------------------------
def delete_sessions_of(user: User) -> int:
    """Delete every stored session of the person (database-backed session engines)."""
    engine = import_module(settings.SESSION_ENGINE)
    store_class = engine.SessionStore
    if not hasattr(store_class, "get_model_class"):  # cache or cookie sessions: nothing stored to scan
        return 0
    session_model = store_class.get_model_class()
    store = store_class()
    doomed = [
        s.session_key
        for s in session_model.objects.only("session_key", "session_data").iterator()
        if str(store.decode(s.session_data).get(SESSION_KEY, "")) == str(user.pk)
    ]
    if not doomed:
        return 0
    return session_model.objects.filter(session_key__in=doomed).delete()[0]


def login_attempts_of(needles: Iterable[str]) -> dict[str, models.QuerySet]:
    needles = list(needles)
    by_name = models.Q(username__in=needles)
    for needle in needles:
        by_name |= models.Q(username__iexact=needle)
    in_data = models.Q()
    for needle in needles:
        in_data |= models.Q(post_data__icontains=needle) | models.Q(get_data__icontains=needle)
    return {
        "attempts": AccessAttempt.objects.filter(by_name | in_data)
        if needles
        else AccessAttempt.objects.none(),
        "log": AccessLog.objects.filter(by_name) if needles else AccessLog.objects.none(),
        "failures": AccessFailureLog.objects.filter(by_name) if needles else AccessFailureLog.objects.none(),
    }


def scrub_logs(user: User, needles: Iterable[str]) -> int:
    needles = list(needles)
    count = PersonalDataAccess.objects.filter(actor=user).update(actor=None)
    count += redact_rows(PersonalDataAccess.objects.all(), ["what"], needles)
    user_type = ContentType.objects.get_for_model(User)
    count += LogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).delete()[0]
    count += redact_rows(LogEntry.objects.all(), ["object_repr", "change_message"], needles)
    return count


# --- the hook -----------------------------------------------------------------------------------------
def _dt(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_account_data(user: User) -> dict[str, Any]:
    attempts = login_attempts_of(needles_for(user))
    return {
        "compte": {
            "adresse_electronique": user.email,
            "prenom": user.first_name,
            "nom": user.last_name,
            "inscrit_le": _dt(user.date_joined),
            "derniere_connexion": _dt(user.last_login),
            "actif": user.is_active,
            "administration_technique": user.is_staff,
            "superutilisateur": user.is_superuser,
        },
        "adresses_electroniques": [
            {"adresse": e.email, "verifiee": e.verified, "principale": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "roles_sur_les_territoires": [
            {"territoire": r.territory.name, "role": r.get_role_display(), "depuis": _dt(r.created_at)}
            for r in TerritoryRole.objects.filter(user=user).select_related("territory").order_by("pk")
        ],
        # Which second factors exist and since when: never their secrets or codes.
        "double_authentification": [
            {"type": a.get_type_display(), "cree_le": _dt(a.created_at), "dernier_usage": _dt(a.last_used_at)}
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "tentatives_de_connexion": {
            "en_cours": [
                {
                    "adresse_ip": a.ip_address,
                    "navigateur": a.user_agent,
                    "echecs": a.failures_since_start,
                    "le": _dt(a.attempt_time),
                }
                for a in attempts["attempts"].order_by("pk")
            ],
            "journal": [
                {
                    "adresse_ip": a.ip_address,
                    "navigateur": a.user_agent,
                    "connexion": _dt(a.attempt_time),
                    "deconnexion": _dt(a.logout_time),
                }
                for a in attempts["log"].order_by("pk")
            ],
            "echecs": [
                {
                    "adresse_ip": a.ip_address,
                    "navigateur": a.user_agent,
                    "le": _dt(a.attempt_time),
                    "bloque": a.locked_out,
                }
                for a in attempts["failures"].order_by("pk")
            ],
        },
    }


def erase_account_data(user: User, *, replacement: Any | None = None) -> None:
    needles = needles_for(user)
    user_pk = user.pk
    for qs in login_attempts_of(needles).values():
        qs.delete()
    delete_sessions_of(user)
    scrub_task_arguments(needles)
    scrub_logs(user, needles)
    detach_transition_logs(user, needles)
    Authenticator.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    TerritoryRole.objects.filter(user=user).delete()
    user.delete()
    anonymise_history(user_pk, needles)


# Connection logs are kept six months (CNIL's recommendation for access logs), then deleted; the log of the
# exports of personal data (who exported what, when: accountability, RGPD art. 5-2) one year — the delay
# the privacy page states. Settings: PERSONAL_DATA_LOG_RETENTION_DAYS.
LOGIN_LOG_RETENTION = dt.timedelta(days=183)
DEFAULT_EXPORT_LOG_RETENTION_DAYS = 365


def export_log_retention() -> dt.timedelta:
    return dt.timedelta(
        days=getattr(settings, "PERSONAL_DATA_LOG_RETENTION_DAYS", DEFAULT_EXPORT_LOG_RETENTION_DAYS)
    )


def expire_login_logs(now: dt.datetime) -> int:
    limit = now - LOGIN_LOG_RETENTION
    count = AccessLog.objects.filter(attempt_time__lt=limit).delete()[0]
    count += AccessFailureLog.objects.filter(attempt_time__lt=limit).delete()[0]
    count += AccessAttempt.objects.filter(attempt_time__lt=limit).delete()[0]
    count += PersonalDataAccess.objects.filter(created_at__lt=now - export_log_retention()).delete()[0]
    return count


HOOK = PersonalDataHook(
    key="accounts",
    models=(
        "accounts.User",
        "accounts.TerritoryRole",
        "core.PersonalDataAccess",
        "admin.LogEntry",
        "account.EmailAddress",
        "mfa.Authenticator",
        "axes.AccessAttempt",
        "axes.AccessLog",
        "axes.AccessFailureLog",
    ),
    label="Compte, adresses, rôles, double authentification et connexions",
    export=export_account_data,
    erase=erase_account_data,
    retention=expire_login_logs,
    retention_text="le compte jusqu'à sa suppression ; les journaux de connexion six mois, "
    f"le journal des exports de données {export_log_retention().days} jours",
    order=1000,
)

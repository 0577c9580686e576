"""Every model that holds personal data is claimed by a personal-data hook (which exports and erases it), or
explained in the allow-list below. A model holds personal data when it links to the user, or has an e-mail
field, or a field named like a phone number, a postal or IP address, or the hash of an address.

The history tables (django-simple-history) and the state machines' logs (`TransitionLog`) are handled as a
whole by the accounts hook (`anonymise_history`, `detach_transition_logs`): the dump test
(`test_every_module.py`) proves it."""

from __future__ import annotations

import inspect
import re
import sys

from django.apps import apps
from django.conf import settings
from django.db import models
from simple_history.models import HistoricalChanges

from maillage.core.machines import TransitionLog
from maillage.core.registry import registry

PERSONAL_NAME = re.compile(r"phone|t[ée]l[ée]phone|adresse|address|(^|_)ip($|_)|hash", re.IGNORECASE)

# Models that match the rule but keep nothing a person must be able to export or erase — and why.
STAFF_RECORD = (
    "a work record signed by a staff account (animator, organiser, adviser) in its role: the link is set to "
    "null when the account is erased (SET_NULL), the record belongs to the territory's work"
)
ALLOWED: dict[str, str] = {
    "core.Territory": "the territory's institutional contact (a service's address and phone), no person's",
    "events.Series": "`address` is the venue's; " + STAFF_RECORD,
    "events.Event": "`address` is the venue's; " + STAFF_RECORD,
    "events.EventPhoto": STAFF_RECORD,
    "cooperation.Subscription": STAFF_RECORD
    + " (the animator who made the territory follow another installation)",
    "events.Message": STAFF_RECORD + " (the message to registrants, sent by the organiser)",
    "actors.ImportBatch": STAFF_RECORD,
    "actors.MergeProposal": STAFF_RECORD,
    "plan.Contract": STAFF_RECORD + " (the contract's animator)",
    "plan.Measurement": STAFF_RECORD,
    "workspace.NewsItem": STAFF_RECORD + " (an atelier's news, written for the atelier)",
    "workspace.Document": "an atelier's shared document: " + STAFF_RECORD,
    "workspace.DocumentVersion": "an atelier's shared document: " + STAFF_RECORD,
    "training.Resource": STAFF_RECORD,
    "training.SupportRecord": STAFF_RECORD + " (support given to a structure)",
    "matchmaking.Run": STAFF_RECORD + " (a matching run)",
}


def personal_fields(model: type[models.Model]) -> list[str]:
    found = []
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is not None:
            if field.related_model._meta.label == settings.AUTH_USER_MODEL:
                found.append(field.name)
        elif isinstance(field, models.EmailField) or PERSONAL_NAME.search(field.name):
            found.append(field.name)
    found.extend(
        f.name for f in model._meta.many_to_many if f.related_model._meta.label == settings.AUTH_USER_MODEL
    )
    return found


def handled_by_accounts_as_a_whole(model: type[models.Model]) -> bool:
    return issubclass(model, HistoricalChanges | TransitionLog)


def claims() -> dict[str, str]:
    claimed: dict[str, str] = {}
    for hook in registry.personal_data.values():
        for label in hook.models:
            claimed[label] = hook.key
    return claimed


def test_every_model_holding_personal_data_is_covered():
    claimed = claims()
    uncovered = [
        f"{model._meta.label} {personal_fields(model)}"
        for model in apps.get_models()
        if personal_fields(model)
        and not handled_by_accounts_as_a_whole(model)
        and model._meta.label not in claimed
        and model._meta.label not in ALLOWED
    ]
    assert uncovered == [], (
        "These models hold personal data that no personal-data hook claims: export and erase them in "
        "the app's hook and name them in its `models`, or explain them in ALLOWED."
    )


def test_the_walk_sees_personal_data():
    """The rule finds what it must (else the test above would pass on nothing)."""
    assert personal_fields(apps.get_model("awards.Vote")) == ["address_hash"]
    assert "email" in personal_fields(apps.get_model("newsletter.Subscriber"))
    assert "user" in personal_fields(apps.get_model("events.Registration"))
    assert "ip_address" in personal_fields(apps.get_model("axes.AccessLog"))


def hook_modules(hook) -> set[str]:
    """The modules of the hook's exporter and eraser, and the app's privacy modules they delegate to."""
    names = {hook.export.__module__, hook.erase.__module__}
    packages = {".".join(name.split(".")[:2]) for name in names}
    names |= {
        name
        for name in sys.modules
        if ".".join(name.split(".")[:2]) in packages
        and name.rsplit(".", 1)[-1] in ("privacy", "personal_data")
    }
    return names


def test_a_claimed_model_is_handled_by_its_hook():
    """The claim is not a mere word: the module defining the hook's eraser or exporter names the model, and
    the model holds personal data. A model is claimed once, and not also allowed."""
    labels = [label for hook in registry.personal_data.values() for label in hook.models]
    assert len(labels) == len(set(labels))
    for hook in registry.personal_data.values():
        sources = "".join(inspect.getsource(sys.modules[name]) for name in hook_modules(hook))
        for label in hook.models:
            model = apps.get_model(label)
            assert personal_fields(model), label
            assert model.__name__ in sources, f"{hook.key} claims {label} but never names it"
            assert label not in ALLOWED


def test_the_allow_list_is_current():
    for label, reason in ALLOWED.items():
        model = apps.get_model(label)
        assert personal_fields(model) and reason
        # An allowed link to a user must let the account go without taking the record with it.
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model._meta.label == settings.AUTH_USER_MODEL:
                assert field.remote_field.on_delete is models.SET_NULL, f"{label}.{field.name}"

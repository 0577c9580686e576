"""Builders of the calls' tests: everything through the services, like the pages do."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from maillage.calls import services
from maillage.calls.models import Application, Call
from maillage.core.actors import system

SYS = system("tests")


def open_call(territory, *, year=2026, envelope=20000, ceiling=8000, deadline=None, **terms) -> Call:
    call = services.create_call(
        actor=SYS, territory=territory, year=year, title=f"Appel à projets ESS {year}"
    )
    services.update_call_terms(
        actor=SYS,
        call=call,
        title=call.title,
        summary="",
        envelope=envelope,
        ceiling=ceiling,
        opens_on=None,
        deadline=deadline or timezone.now() + dt.timedelta(days=20),
        jury_on=None,
        results_on=None,
        **terms,
    )
    spec = services.start_specification(actor=SYS, call=call)
    services.save_spec_article(actor=SYS, specification=spec, title="Objet", body="Le texte.")
    services.transition_specification(actor=SYS, specification=spec, to="open")
    services.transition_specification(actor=SYS, specification=spec, to="adopted")
    return services.transition_call(actor=SYS, call=call, to="open")


def balanced_budget(amount) -> list[dict]:
    return [
        {"kind": "expense", "label": "Salaires", "amount": Decimal(amount) * 2},
        {
            "kind": "income",
            "label": "Subvention régionale",
            "funder": "Région Sud",
            "amount": Decimal(amount),
        },
    ]


def draft(
    call, structure, *, actor=SYS, amount=5000, budget=None, title="Ressourcerie mobile"
) -> Application:
    app = services.start_application(actor=actor, call=call, structure=structure, title=title)
    return services.save_application(
        actor=actor,
        application=app,
        title=title,
        summary="Collecter et réparer dans les villages.",
        requested_amount=amount,
        answers=dict.fromkeys(call.questions, "Réponse."),
        checklist=list(call.checklist),
        budget=balanced_budget(amount) if budget is None else budget,
    )


def eligible(call, structure, *, amount=5000, title="Ressourcerie mobile") -> Application:
    app = services.submit_application(
        actor=SYS, application=draft(call, structure, amount=amount, title=title)
    )
    return app


def close_and_check(call, *apps) -> Call:
    call = services.transition_call(actor=SYS, call=call, to="closed")
    for app in apps:
        services.decide_eligibility(actor=SYS, application=app, eligible=True, reason="Complet.")
    return call


def seat(call, user, name="Juré"):
    juror = services.invite_juror(actor=SYS, call=call, email=user.email, name=name)
    return services.answer_invitation(actor=user, juror=juror, accept=True)

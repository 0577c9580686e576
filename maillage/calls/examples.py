"""Objects the registry's example-URL builders need, made through the services: a decided call of the
example territory with an adopted specification; the example structure's application (laureate, with a
grant) and another structure's; a jury where the example member sits (tied to the example structure: a
conflict) next to the other structure's manager (no tie); a pending invitation. Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from maillage.actors.models import Membership
from maillage.calls import services
from maillage.calls.models import Application, Call, Juror
from maillage.calls.services.notices import INVITATION_PURPOSE
from maillage.core.actors import system
from maillage.core.registry import ExampleContext
from maillage.core.tokens import make_token

EXAMPLES = system("exemples du registre")
YEAR = 2026


def _application(call: Call, structure: Any, title: str, amount: int) -> Application:
    app = services.start_application(actor=EXAMPLES, call=call, structure=structure, title=title)
    services.save_application(
        actor=EXAMPLES,
        application=app,
        title=title,
        summary="Un projet d'exemple.",
        requested_amount=amount,
        answers=dict.fromkeys(call.questions, "Réponse d'exemple."),
        checklist=list(call.checklist),
        budget=[
            {"kind": "expense", "label": "Salaires", "amount": amount * 2},
            {"kind": "income", "label": "Région", "funder": "Région Sud", "amount": amount},
        ],
    )
    services.add_attachment(
        actor=EXAMPLES,
        application=app,
        label="Statuts",
        file=ContentFile(b"Statuts de la structure.", name="statuts.txt"),
    )
    return services.submit_application(actor=EXAMPLES, application=app)


def example_call(ctx: ExampleContext) -> dict[str, Any]:
    territory = ctx.territory
    call = Call.objects.filter(territory=territory, year=YEAR).first()
    if call is None:
        call = services.create_call(
            actor=EXAMPLES, territory=territory, year=YEAR, title="Appel à projets ESS 2026"
        )
        services.update_call_terms(
            actor=EXAMPLES,
            call=call,
            title=call.title,
            summary="Soutenir les projets d'ESS du territoire.",
            envelope=50000,
            ceiling=10000,
            opens_on=timezone.localdate(),
            deadline=timezone.now() + dt.timedelta(days=30),
            jury_on=None,
            results_on=None,
            checklist=["Le projet se déroule sur le territoire"],
            questions=["À quel besoin social le projet répond-il ?"],
        )
        spec = services.start_specification(actor=EXAMPLES, call=call)
        for title, body in (("Objet", "Soutenir les projets d'ESS."), ("Calendrier", "Dépôt en ligne.")):
            services.save_spec_article(actor=EXAMPLES, specification=spec, title=title, body=body)
        services.transition_specification(actor=EXAMPLES, specification=spec, to="open")
        services.transition_specification(actor=EXAMPLES, specification=spec, to="adopted")
        services.transition_call(actor=EXAMPLES, call=call, to="open")
        other = Membership.objects.get(user=ctx.users["manager_other"]).structure
        mine = _application(call, ctx.structure, "Atelier de réparation solidaire", 8000)
        theirs = _application(call, other, "Épicerie solidaire itinérante", 6000)
        services.transition_call(actor=EXAMPLES, call=call, to="closed")
        for app in (mine, theirs):
            services.decide_eligibility(
                actor=EXAMPLES, application=app, eligible=True, reason="Dossier complet."
            )
        for role, name in (("member", "Juré lié"), ("manager_other", "Juré sans lien")):
            user = ctx.users[role]
            juror = services.invite_juror(actor=EXAMPLES, call=call, email=user.email, name=name)
            services.answer_invitation(actor=user, juror=juror, accept=True)
        services.invite_juror(actor=EXAMPLES, call=call, email="invite@example.org", name="Juré invité")
        services.deliberate(
            actor=EXAMPLES, call=call, amounts={mine.pk: 8000}, minutes="Procès-verbal d'exemple."
        )
        call.refresh_from_db()
    mine = Application.objects.get(call=call, structure=ctx.structure)
    theirs = Application.objects.filter(call=call).exclude(pk=mine.pk).get()
    pending = Juror.objects.get(call=call, email="invite@example.org")
    return {
        "call": call,
        "mine": mine,
        "theirs": theirs,
        "grant": mine.grant,
        "token": make_token(INVITATION_PURPOSE, {"juror": pending.pk}, single_use=True),
    }

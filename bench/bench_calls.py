"""The call's ranking: 200 eligible applications × 8 criteria × 7 jurors (11,200 scores).

Workload: a fresh database without the demo; a territory, 200 structures and 7 jurors; the call, its
applications (started, filled with a balanced budget, submitted, closed and found eligible) through the
services; the scores written in bulk (what is measured is the ranking, not the scoring form). Figures:
`rank()` on the score tuples alone, and `selectors.ranking(call)` as the ranking page runs it
(query + weighted means + ranks), raw and normalised per juror. Usage: bench_calls.py [N runs]."""

from __future__ import annotations

import datetime as dt
import random
import sys
import time

from _setup import setup_django, summarise

APPLICATIONS, CRITERIA, JURORS = 200, 8, 7


def build():
    from django.utils import timezone

    from maillage.accounts.models import User
    from maillage.actors.models import Membership, Structure
    from maillage.calls import services
    from maillage.calls.models import Score
    from maillage.core.actors import system
    from maillage.core.models import Territory

    actor = system("banc d'essai")
    territory = Territory.objects.create(name="Banc", slug="banc", canonical_url="https://banc.example.test")
    call = services.create_call(actor=actor, territory=territory, year=2026, title="Appel du banc")
    services.update_call_terms(
        actor=actor,
        call=call,
        title=call.title,
        summary="",
        envelope=10**7,
        ceiling=10**5,
        opens_on=None,
        deadline=timezone.now() + dt.timedelta(days=10),
        jury_on=None,
        results_on=None,
    )
    spec = services.save_specification(actor=actor, call=call, body="Texte")
    services.transition_specification(actor=actor, specification=spec, to="open")
    services.transition_specification(actor=actor, specification=spec, to="adopted")
    services.transition_call(actor=actor, call=call, to="open")
    apps = []
    for i in range(APPLICATIONS):
        structure = Structure.objects.create(
            territory=territory, name=f"S{i}", slug=f"s{i}", status="published"
        )
        app = services.start_application(actor=actor, call=call, structure=structure, title=f"Projet {i}")
        services.save_application(
            actor=actor,
            application=app,
            title=app.title,
            summary="",
            requested_amount=1000,
            answers={},
            checklist=[],
            budget=[{"kind": "expense", "label": "Dépenses", "amount": 1000}],
        )
        apps.append(services.submit_application(actor=actor, application=app))
    services.transition_call(actor=actor, call=call, to="closed")
    for app in apps:
        services.decide_eligibility(actor=actor, application=app, eligible=True, reason="ok")
    jurors = []
    for j in range(JURORS):
        user = User.objects.create(email=f"jure{j}@banc.test")
        juror = services.invite_juror(actor=actor, call=call, email=user.email, name=f"Juré {j}")
        jurors.append(services.answer_invitation(actor=user, juror=juror, accept=True))
    assert not Membership.objects.exists()
    rng = random.Random(18)
    criteria = list(call.criteria.all())
    Score.objects.bulk_create(
        Score(juror=j, application=a, criterion=c, value=rng.randint(0, 10))
        for j in jurors
        for a in apps
        for c in criteria
    )
    return call


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    setup_django(demo=False)
    from maillage.calls import selectors
    from maillage.calls.models import Score
    from maillage.calls.ranking import rank

    started = time.perf_counter()
    call = build()
    print(f"data: {Score.objects.count()} scores built in {time.perf_counter() - started:.1f} s")
    rows = list(Score.objects.values_list("juror_id", "application_id", "criterion_id", "value"))
    weights = dict(call.criteria.values_list("pk", "weight"))
    for normalised in (False, True):
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            ranked = rank(rows, weights, normalised=normalised)
            times.append(time.perf_counter() - t)
        summarise(f"rank() on tuples, normalised={normalised}", times, applications=len(ranked))
    for normalised in (False, True):
        call.normalise_scores = normalised
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            result = selectors.ranking(call)
            times.append(time.perf_counter() - t)
        summarise(
            f"selectors.ranking(call) with its query, normalised={normalised}",
            times,
            applications=len(result),
        )


if __name__ == "__main__":
    main()

"""Objects the registry's example-URL builders need, made through the services (idempotent): a published
2025 edition where the example structure is a laureate; the 2026 edition with its public vote open, where
the example structure and the other one compete, the example member (tied to the example structure) and
the other structure's manager sit on the jury, and the member's proposal of the other structure waits for
that structure's consent."""

from __future__ import annotations

from typing import Any

from maillage.actors.models import Membership
from maillage.awards import services
from maillage.awards.models import Edition, Nomination
from maillage.awards.services.notices import consent_token
from maillage.awards.services.votes import vote_token
from maillage.core.actors import system
from maillage.core.registry import ExampleContext

EXAMPLES = system("exemples du registre")


def _edition(ctx: ExampleContext, year: int) -> Edition:
    edition = services.create_edition(
        actor=EXAMPLES,
        territory=ctx.territory,
        year=year,
        title=f"Trophée des initiatives responsables {year}",
        categories=[("Transition écologique", ""), ("Inclusion et solidarité", "")],
    )
    services.transition_edition(actor=EXAMPLES, edition=edition, to="nominations")
    return edition


def example_awards(ctx: ExampleContext) -> dict[str, Any]:
    other = Membership.objects.get(user=ctx.users["manager_other"]).structure
    if not Edition.objects.filter(territory=ctx.territory, year=2026).exists():
        past = _edition(ctx, 2025)
        first, second = past.categories.all()
        won = services.nominate(
            actor=EXAMPLES, category=first, structure=ctx.structure, initiative="Réemploi"
        )
        services.nominate(actor=EXAMPLES, category=second, structure=other, initiative="Épicerie")
        for to in ("voting", "closed"):
            services.transition_edition(actor=EXAMPLES, edition=past, to=to)
        others = Nomination.objects.get(category=second)
        services.publish_results(
            actor=EXAMPLES, edition=past, jury_choices={first.pk: won.pk, second.pk: others.pk}
        )
        current = _edition(ctx, 2026)
        first, second = current.categories.all()
        services.nominate(
            actor=EXAMPLES, category=first, structure=ctx.structure, initiative="Atelier de réparation"
        )
        services.nominate(actor=EXAMPLES, category=first, structure=other, initiative="Épicerie itinérante")
        services.nominate(
            actor=ctx.users["member"], category=second, structure=other, initiative="Jardin partagé"
        )
        services.transition_edition(actor=EXAMPLES, edition=current, to="voting")
        for role in ("member", "manager_other"):
            services.add_juror(actor=EXAMPLES, edition=current, email=ctx.users[role].email)
    current = Edition.objects.get(territory=ctx.territory, year=2026)
    mine = Nomination.objects.get(category__edition=current, structure=ctx.structure)
    pending = Nomination.objects.get(category__edition=current, status="pending")
    return {
        "current": current,
        "mine": mine,
        "vote_token": vote_token(mine, "votant@example.org"),
        "consent_token": consent_token(pending),
    }

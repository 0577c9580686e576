"""Objects the registry's example-URL builders need (a charter with an adopted v1 signed by the example
structure, and a v2 open for comments with an amendment by the example member), made through the services
like any other. Idempotent within a test database: what exists is found again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from maillage.charter import services
from maillage.charter.models import Amendment, CharterVersion, Signature
from maillage.core.actors import Actor, system
from maillage.core.registry import ExampleContext

EXAMPLES = system("exemples du registre")


def _version(territory: Any, number: int) -> CharterVersion | None:
    return CharterVersion.objects.of_territory(territory).filter(number=number).first()


def _adopted_v1(territory: Any) -> CharterVersion:
    v1 = _version(territory, 1)
    if v1 is None:
        v1 = services.create_version(actor=EXAMPLES, territory=territory, title="Première charte")
        services.save_article(
            actor=EXAMPLES, version=v1, title="Coopérer", body="Nous coopérons entre acteurs."
        )
        for status, day in (("open", dt.date(2025, 2, 1)), ("adopted", dt.date(2025, 3, 14))):
            services.transition_version(actor=EXAMPLES, version=v1, to_status=status, today=day)
        v1.refresh_from_db()
    return v1


def _open_v2(territory: Any) -> CharterVersion:
    v2 = _version(territory, 2)
    if v2 is None:
        v2 = services.create_version(actor=EXAMPLES, territory=territory)  # copies the v1's articles
        services.transition_version(actor=EXAMPLES, version=v2, to_status="open", today=dt.date(2026, 1, 5))
        v2.refresh_from_db()
    return v2


def example_charter(ctx: ExampleContext) -> dict[str, Any]:
    territory = ctx.territory
    services.get_or_create_charter(territory=territory)
    v1 = _adopted_v1(territory)
    v2 = _open_v2(territory)
    article = v2.articles.first()
    amendment = Amendment.objects.filter(article=article).first()
    if amendment is None:
        author: Actor = ctx.users.get("member") or EXAMPLES
        amendment = services.propose_amendment(
            actor=author,
            version=v2,
            article_id=article.pk,
            text="Nous coopérons entre acteurs et avec les entreprises du territoire.",
        )
    signature = Signature.objects.filter(structure=ctx.structure, version=v1).first()
    if signature is None:
        signature = services.sign_charter(
            actor=EXAMPLES,
            version=v1,
            structure=ctx.structure,
            signer_name="Camille Exemple",
            signer_role="présidente",
            commitment=True,
            signed_on=dt.date(2025, 4, 1),
        )
    return {"v1": v1, "v2": v2, "article": article, "amendment": amendment, "signature": signature}

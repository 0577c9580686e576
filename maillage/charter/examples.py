"""Objects the registry's example-URL builders need (a charter with an adopted v1 signed by the example
structure, and a v2 open for comments with an amendment). Idempotent within a test database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from maillage.charter.models import (
    Amendment,
    Article,
    Charter,
    CharterVersion,
    Signature,
    SignatureEvent,
    VersionStatus,
)


def example_charter(ctx: Any) -> dict[str, Any]:
    territory = ctx.territory
    charter, _ = Charter.objects.get_or_create(territory=territory)
    v1, created = CharterVersion.objects.get_or_create(
        charter=charter,
        number=1,
        defaults={
            "status": VersionStatus.ADOPTED,
            "adopted_on": dt.date(2025, 3, 14),
            "title": "Première charte",
        },
    )
    if created:
        Article.objects.create(version=v1, position=1, title="Coopérer", body="Nous coopérons entre acteurs.")
    v2, created = CharterVersion.objects.get_or_create(
        charter=charter, number=2, defaults={"status": VersionStatus.OPEN, "opened_on": dt.date(2026, 1, 5)}
    )
    if created:
        first = v1.articles.first()
        Article.objects.create(version=v2, key=first.key, position=1, title=first.title, body=first.body)
    article = v2.articles.first()
    amendment = Amendment.objects.filter(article=article).first()
    if amendment is None:
        amendment = Amendment.objects.create(
            article=article,
            author=ctx.users.get("member"),
            text="Nous coopérons entre acteurs et avec les entreprises du territoire.",
            original_text=article.body,
        )
    signature = Signature.objects.filter(structure=ctx.structure, version=v1).first()
    if signature is None:
        signature = Signature.objects.create(
            structure=ctx.structure,
            version=v1,
            signer_name="Camille Exemple",
            signer_role="présidente",
            commitment=True,
            signed_on=dt.date(2025, 4, 1),
        )
        SignatureEvent.objects.create(signature=signature, action=SignatureEvent.Action.SIGNED)
    return {"v1": v1, "v2": v2, "article": article, "amendment": amendment, "signature": signature}

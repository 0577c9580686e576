"""The objects the registry's example URLs need (created through the services, as the matrix asks)."""

from __future__ import annotations

from typing import Any

from maillage.actors.models import Practice
from maillage.actors.services import save_practice
from maillage.cooperation import services
from maillage.cooperation.models import ImportedItem, Share, Subscription
from maillage.cooperation.remote import RemoteFeed, RemoteItem
from maillage.core.actors import system

EXAMPLES = system("exemples de la matrice")


def example_share(ctx: Any) -> Share:
    practice = Practice.objects.filter(structure=ctx.structure, title="Une pratique partagée").first()
    if practice is None:
        practice = save_practice(
            actor=EXAMPLES,
            structure=ctx.structure,
            title="Une pratique partagée",
            themes=["gouvernance"],
            summary="Un exemple.",
        )
    existing = Share.objects.filter(practice=practice).first()
    return existing or services.share_item(actor=EXAMPLES, territory=ctx.territory, practice=practice)


def example_imported(ctx: Any) -> ImportedItem:
    url = "https://autre-installation.example.org/api/v1/cooperation/partages"
    subscription = Subscription.objects.filter(territory=ctx.territory, url=url).first()
    if subscription is None:
        subscription = services.add_subscription(actor=EXAMPLES, territory=ctx.territory, url=url)
    feed = RemoteFeed(
        name="Autre installation",
        items=[
            RemoteItem(
                remote_id="practice-1",
                kind="practice",
                source_url="https://autre-installation.example.org/structures/x/pratiques/y/",
                title="Une pratique importée",
                origin_territory="Territoire lointain",
            )
        ],
    )
    services.record_fetch(actor=EXAMPLES, subscription=subscription, feed=feed)
    return ImportedItem.objects.get(subscription=subscription, remote_id="practice-1")

"""What the speed-meetings bring to the registry: menu, pages, metrics for the plan, a link target, the
lettre's block, the personal-data hook and the demo loader."""

from __future__ import annotations

from maillage.core.registry import (
    ANIMATOR_ONLY,
    PUBLIC,
    SIGNED_IN,
    ContentProvider,
    DemoLoader,
    LinkTarget,
    MenuEntry,
    Metric,
    NotificationKind,
    PageSpec,
    PersonalDataHook,
    fixed_url,
    registry,
    statuses,
)
from maillage.matchmaking import demo, integrations
from maillage.matchmaking.examples import example_campaign, example_meeting
from maillage.matchmaking.services import privacy as matchmaking_privacy

PARTICIPANT = statuses(anonymous=302, member=200, manager_other=403, animator_other=403, animator=403)
PAIR = statuses(anonymous=302, member=200, manager_other=403, animator_other=403, animator=200)
POST_ONLY = statuses(anonymous=302, member=405, manager_other=405, animator_other=405, animator=405)


def _pages() -> list[PageSpec]:
    def with_meeting(build):
        def example(ctx):
            return build(ctx, example_meeting(ctx))

        return example

    def url(path: str):
        return with_meeting(
            lambda c, o: f"/rencontres/{o['meeting'].pk}/{path}".format(
                run=o["run"].pk, slot=o["slot"].pk if o["slot"] else 0
            )
        )

    pages = [
        PageSpec(
            name="matchmaking:home", example_url=with_meeting(lambda c, o: "/rencontres/"), expected=PUBLIC
        ),
        PageSpec(name="matchmaking:detail", example_url=url(""), expected=PUBLIC, axe_as="member"),
        PageSpec(name="matchmaking:wishes", example_url=url("voeux/"), expected=PARTICIPANT, axe_as="member"),
        PageSpec(
            name="matchmaking:availability",
            example_url=url("disponibilites/"),
            expected=PARTICIPANT,
            axe_as="member",
        ),
        PageSpec(
            name="matchmaking:agenda", example_url=url("mon-planning/"), expected=PARTICIPANT, axe_as="member"
        ),
        PageSpec(
            name="matchmaking:agenda_pdf",
            example_url=url("mon-planning.pdf"),
            expected=PARTICIPANT,
            kind="file",
        ),
        PageSpec(
            name="matchmaking:agenda_ics",
            example_url=url("mon-planning.ics"),
            expected=PARTICIPANT,
            kind="file",
        ),
        PageSpec(
            name="matchmaking:live", example_url=url("direct/?tour=1"), expected=SIGNED_IN, axe_as="member"
        ),
        PageSpec(
            name="matchmaking:live_fragment", example_url=url("direct/tour/"), expected=SIGNED_IN, kind="api"
        ),
        PageSpec(
            name="matchmaking:create",
            example_url=with_meeting(lambda c, o: "/rencontres/nouveau/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="matchmaking:manage",
            example_url=url("organisation/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="matchmaking:run",
            example_url=url("organisation/calculs/{run}/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="matchmaking:plan",
            example_url=url("organisation/plan-des-tables/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="matchmaking:tags",
            example_url=url("organisation/badges/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
    ]
    for name, path in (
        ("matchmaking:follow_up", "suites/{slot}/"),
        ("matchmaking:must_meet", "organisation/rencontre-imposee/"),
        ("matchmaking:pin", "organisation/epingler/"),
        ("matchmaking:swap", "organisation/echanger/"),
        ("matchmaking:unpin", "organisation/epingles/1/retirer/"),
        ("matchmaking:run_request", "organisation/calculer/"),
    ):
        pages.append(PageSpec(name=name, example_url=url(path), expected=POST_ONLY, kind="api"))
    return pages + _campaign_pages()


def _campaign_pages() -> list[PageSpec]:
    def url(path: str):
        def example(ctx):
            o = example_campaign(ctx)
            return "/rencontres/vis-ma-vie/" + path.format(
                campaign=o["campaign"].pk,
                exchange=o["exchange"].pk if o["exchange"] else 0,
                testimony=o["testimony"].pk if o["testimony"] else 0,
            )

        return example

    pages = [
        PageSpec(
            name="matchmaking:campaign", example_url=url("{campaign}/"), expected=PUBLIC, axe_as="member"
        ),
        PageSpec(
            name="matchmaking:campaign_create",
            example_url=url("nouvelle/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="matchmaking:volunteer",
            example_url=url("{campaign}/volontaire/"),
            expected=SIGNED_IN,
            axe_as="member",
        ),
        PageSpec(
            name="matchmaking:volunteer_wishes",
            example_url=url("{campaign}/voeux/"),
            expected=PARTICIPANT,
            axe_as="member",
        ),
        PageSpec(
            name="matchmaking:campaign_manage",
            example_url=url("{campaign}/organisation/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="matchmaking:exchange",
            example_url=url("binomes/{exchange}/"),
            expected=PAIR,
            axe_as="member",
        ),
        PageSpec(
            name="matchmaking:exchange_ics",
            example_url=url("binomes/{exchange}/vis-ma-vie.ics"),
            expected=PAIR,
            kind="file",
        ),
    ]
    for name, path in (
        ("matchmaking:campaign_pairs", "{campaign}/organisation/binomes/"),
        ("matchmaking:testimony_moderate", "temoignages/{testimony}/moderer/"),
        ("matchmaking:exchange_confirm", "binomes/{exchange}/confirmer/"),
        ("matchmaking:testimony", "binomes/{exchange}/temoignage/"),
    ):
        pages.append(PageSpec(name=name, example_url=url(path), expected=POST_ONLY, kind="api"))
    return pages


def register() -> None:
    registry.add_page(
        PageSpec(
            name="api:meetings", example_url=fixed_url("/api/v1/rencontres"), expected=PUBLIC, kind="api"
        )
    )
    registry.add_menu(MenuEntry(key="matchmaking", label="Rencontres", url_name="matchmaking:home", order=45))
    for page in _pages():
        registry.add_page(page)
    for key, label, compute, description in (
        (
            "speed_meetings_meetings",
            "Rencontres ESS – entreprises planifiées",
            integrations.count_meetings,
            "Rencontres des plannings en vigueur des speed-meetings tenus sur la période.",
        ),
        (
            "speed_meetings_follow_ups",
            "Rencontres suivies d'effet",
            integrations.count_follow_ups,
            "Rencontres dont un participant a noté une suite (contrat, partenariat, visite, « vis ma vie »).",
        ),
        (
            "speed_meetings_contracts",
            "Rencontres ayant abouti à un contrat",
            integrations.count_contracts,
            "Rencontres dont un participant a noté un contrat.",
        ),
    ):
        registry.add_metric(
            Metric(key=key, label=label, unit="rencontres", compute=compute, description=description)
        )
    registry.add_notification_kind(
        NotificationKind(key="matchmaking_wishes_open", label="Speed-meeting : les vœux sont ouverts")
    )
    registry.add_notification_kind(
        NotificationKind(key="matchmaking_schedule_published", label="Speed-meeting : mon planning est prêt")
    )
    registry.add_notification_kind(
        NotificationKind(key="matchmaking_exchange_proposed", label="Vis ma vie : un binôme m'est proposé")
    )
    registry.add_notification_kind(
        NotificationKind(key="matchmaking_exchange_confirmed", label="Vis ma vie : mon binôme est confirmé")
    )
    registry.add_link_target(
        LinkTarget(
            key="speed_meeting",
            label="Un speed-meeting",
            model="matchmaking.SpeedMeeting",
            choices=integrations.meeting_choices,
            url=integrations.meeting_url,
        )
    )
    registry.add_content_provider(
        ContentProvider(
            key="speed_meetings_open",
            label="Speed-meetings ouverts aux vœux",
            build=integrations.open_meetings_block,
        )
    )
    registry.add_personal_data(
        PersonalDataHook(
            key="matchmaking",
            retention=matchmaking_privacy.expire_participations,
            retention_text=matchmaking_privacy.retention_text(),
            models=(
                "matchmaking.Participant",
                "matchmaking.Volunteer",
            ),
            label="Speed-meetings et « vis ma vie » (nom, structure, vœux, dates, témoignages)",
            export=integrations.export_participations,
            erase=integrations.erase_participations,
            order=60,
        )
    )
    registry.add_demo_loader(DemoLoader(key="matchmaking_demo", load=demo.load, order=60))

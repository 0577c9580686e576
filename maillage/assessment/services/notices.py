"""What the self-assessment tells people, through the notification centre (`notify()`):

- `assessment_campaign_open`: the managers of the territory's published structures learn that the year's
  campaign is open (a link to their structure's answer sheet page);
- `assessment_results_ready`: the structure's managers learn that its answers were submitted, with a link
  to the results page (the link opens a page; nothing acts on GET).
"""

from __future__ import annotations

from django.urls import reverse

from maillage.accounts.models import User
from maillage.actors.models import Structure
from maillage.assessment.models import AnswerSheet, Campaign
from maillage.core.actors import Actor
from maillage.notifications.services import notify

CAMPAIGN_OPEN = "assessment_campaign_open"
RESULTS_READY = "assessment_results_ready"


def _managers(structure_ids) -> list[User]:
    return list(
        User.objects.filter(
            memberships__structure_id__in=structure_ids, memberships__role="manager", is_active=True
        ).distinct()
    )


def tell_managers_campaign_opened(*, actor: Actor, campaign: Campaign) -> int:
    structures = Structure.objects.filter(territory=campaign.territory, status="published").values("pk")
    recipients = _managers(structures)
    if recipients:
        notify(
            kind=CAMPAIGN_OPEN,
            territory=campaign.territory,
            recipients=recipients,
            title=f"La campagne {campaign.year} d'auto-évaluation de l'utilité sociale est ouverte",
            url=reverse("assessment:home"),
            actor=actor,
            body="Remplissez la grille pour votre structure : vos réponses de l'an dernier sont reprises, "
            "vous n'avez qu'à les mettre à jour.",
        )
    return len(recipients)


def tell_results_ready(*, actor: Actor, sheet: AnswerSheet) -> None:
    recipients = _managers([sheet.structure_id])
    if not recipients:
        return
    url = reverse("assessment:results", kwargs={"year": sheet.campaign.year, "slug": sheet.structure.slug})
    notify(
        kind=RESULTS_READY,
        territory=sheet.campaign.territory,
        recipients=recipients,
        title=f"Auto-évaluation {sheet.campaign.year} de {sheet.structure.name} : vos résultats",
        url=url,
        actor=actor,
        body="Les réponses ont été transmises. Les scores par thème, leur comparaison et des pistes "
        "d'amélioration vous attendent.",
    )

"""What the needs register tells people, through the notification centre (`notify()`), and by plain mail to
a citizen who reported a need without an account:

- `needs_reported`: the territory's animation hears of a new need (a daily digest by default);
- `needs_answer`: the reporter and the supporters with an account read the public answer of each move.
"""

from __future__ import annotations

from django.urls import reverse

from maillage.accounts.models import TerritoryRole, User
from maillage.core.actors import Actor
from maillage.core.mail import send_mail_on_commit, territory_url
from maillage.needs.models import Need
from maillage.notifications.services import notify

REPORTED = "needs_reported"
ANSWER = "needs_answer"


def tell_animators_of_new_need(*, actor: Actor, need: Need) -> None:
    animators = User.objects.filter(
        territory_roles__territory=need.territory,
        territory_roles__role=TerritoryRole.Role.ANIMATOR,
        is_active=True,
    ).distinct()
    notify(
        kind=REPORTED,
        territory=need.territory,
        recipients=animators,
        title=f"Nouveau besoin signalé : {need.title}",
        body=f"Catégorie : {need.category.label}. À qualifier dans le registre des besoins sociaux.",
        url=reverse("needs:detail", kwargs={"pk": need.pk}),
        actor=actor,
    )


def tell_people_of_answer(*, actor: Actor, need: Need, status_label: str, answer: str) -> None:
    people = User.objects.filter(is_active=True).filter(pk__in=_people_ids(need))
    title = f"« {need.title} » : {status_label}"
    url = reverse("needs:detail", kwargs={"pk": need.pk})
    notify(
        kind=ANSWER,
        territory=need.territory,
        recipients=people,
        title=title,
        body=answer,
        url=url,
        actor=actor,
    )
    if need.reporter_id is None and need.reporter_email:
        send_mail_on_commit(
            territory=need.territory,
            to=need.reporter_email,
            template="needs_answer",
            context={
                "need_title": need.title,
                "status_label": status_label,
                "answer": answer,
                "need_url": territory_url(need.territory, "needs:detail", pk=need.pk),
            },
        )


def _people_ids(need: Need) -> list[int]:
    ids = list(need.supports.filter(user__isnull=False, confirmed=True).values_list("user_id", flat=True))
    if need.reporter_id:
        ids.append(need.reporter_id)
    return ids

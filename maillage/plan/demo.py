"""The demo plan (loader order 60): the seed's real action plan (`plan-actions-cldess-2012.txt`, May 2012).

Every objective, operational objective, action, means and schedule entry is entered as written in the
seed. The seed lists its actions per objective, not per operational objective; since the tree is typed,
each action hangs under the operational objective it serves (mapping below, documented in
docs/guide/plan-d-actions.md).

Timeline. The seed's calendar is mapped onto the demo contract's, relative to `DEMO_TODAY`:
`S = contract_start(today)` (14 months before today, first of a month) stands for « Juin 2012 », the launch
of the first actions. A seed month M of year Y becomes S + (Y·12 + M − (2012·12 + 6)) months, keeping the
label's precision: « Septembre 2012 » → S + 3 months (month), « Premier semestre 2013 » → the calendar
semester holding S + 7 months, « Deuxième semestre 2012 » → the semester holding S + 1 month, « d'ici fin
2012 », « Décembre », « Fin d'année » → S + 6 months (month), « En cours » → ongoing since S. The signature
(« Novembre 2012 ») is at S + 5 months; the contract lasts three years from the signature. The first annual
plan has S's year; the second (the seed's « plan d'actions annuel 2013 », shared at the December plenary)
is a copy with the next year.

The one structure the seed names by name (a Scop) is replaced by the demo's fictitious one. Re-running is
safe: a territory that already has a contract keeps it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from maillage.actors.models import Structure
from maillage.core.actors import system
from maillage.core.demo import contract_start
from maillage.core.models import Territory
from maillage.core.registry import registry
from maillage.plan import services
from maillage.plan.demo_data import INDICATORS, PLAN, ROADMAP, P, S, add_months, seed_month
from maillage.plan.models import PLENARY_TARGET, Contract, Node, PlanVersion

# Who the demo's writes are by, in the history: the platform (the animator's account may not exist).
DEMO = system("données de démonstration")

__all__ = ["PLAN", "ROADMAP", "load"]


def _date(start: dt.date, year: int | None, month: int | None) -> dt.date | None:
    return None if year is None or month is None else seed_month(start, year, month)


@transaction.atomic
def load(*, today: dt.date, context: dict[str, Any], **_: Any) -> None:
    territory = Territory.objects.filter(slug="pays-de-grasse").first()
    if territory is None or Contract.objects.filter(territory=territory).exists():
        return
    start = contract_start(today)
    signed = seed_month(start, 2012, 11)
    animator = context.get("demo_accounts", {}).get("animator")
    contract = services.save_contract(
        actor=DEMO,
        territory=territory,
        data={
            "title": "Contrat local de développement de l'économie sociale et solidaire du Pays de Grasse",
            "summary": (
                "Un plan d'actions pluriannuel, qui repose sur les travaux du territoire et aborde l'ESS à "
                "travers ses pratiques à l'échelle du territoire. Il est structuré autour de 4 objectifs "
                "globaux, déclinés en objectifs opérationnels qui donnent lieu à des propositions d'actions "
                "(caractère non exhaustif et évolutif). Plan d'actions validé avec les acteurs le "
                f"{add_months(start, -1):%d/%m/%Y}."
            ),
            "parties": "Communauté d'agglomération du Pays de Grasse\nRégion Provence-Alpes-Côte d'Azur",
            "signed_on": signed,
            "starts_on": start,
            "ends_on": add_months(signed, 36) - dt.timedelta(days=1),
            "animator": animator if animator is not None and animator.is_animator_of(territory) else None,
            "animator_label": "Chargée de mission ESS de l'agglomération (CMESS)",
        },
    )
    first = services.create_version(
        actor=DEMO, contract=contract, year=start.year, title=f"Plan d'actions {start.year}"
    )
    actions = _load_tree(first, start)
    _load_milestones(actions, start)
    _set_statuses(actions, which=0, at=seed_month(start, 2012, 12))
    second = services.copy_version(actor=DEMO, version=first, year=start.year + 1)
    second_actions = {key: Node.objects.get(version=second, ref=node.ref) for key, node in actions.items()}
    _set_statuses(second_actions, which=1, at=min(add_months(start, 13), today))
    _load_indicators(first, second, start, today)
    _load_evaluation(first, start, context)
    lead = Structure.objects.filter(territory=territory, slug="la-ressourcerie-du-pays-de-grasse").first()
    if lead is not None:
        rendezvous = second_actions[(0, 2, 0)]
        services.update_node(
            actor=DEMO, node=rendezvous, data={}, partners=[*rendezvous.partners.all(), lead]
        )
    context.setdefault("plan", {})["contract"] = contract


def _load_tree(version: PlanVersion, start: dt.date) -> dict[tuple[int, int, int], Node]:
    actions: dict[tuple[int, int, int], Node] = {}
    for o_index, objective in enumerate(PLAN):
        o_node, _ = services.create_node(
            actor=DEMO,
            version=version,
            data={"kind": Node.Kind.OBJECTIVE, "number": str(o_index + 1), "title": objective["title"]},
        )
        for kind, text in objective["means"]:
            services.add_means(actor=DEMO, node=o_node, kind=kind, description=text)
        for _seed_text, label, year, month, precision, until in objective["schedule"]:
            date = _date(start, year, month) if precision != P.ONGOING else start
            services.add_schedule_entry(
                actor=DEMO,
                node=o_node,
                label=label,
                date=date,
                precision=precision,
                until=_date(start, until[0], until[1]) if until else None,
                until_precision=until[2] if until else P.MONTH,
            )
        for oo_index, (oo_title, oo_actions) in enumerate(objective["operational"]):
            oo_node, _ = services.create_node(
                actor=DEMO,
                version=version,
                data={
                    "kind": Node.Kind.OPERATIONAL,
                    "parent": o_node,
                    "number": f"{o_index + 1}.{oo_index + 1}",
                    "title": oo_title,
                },
            )
            for a_index, (title, lead_label, partners_label, _first, _now) in enumerate(oo_actions):
                a_node, _ = services.create_node(
                    actor=DEMO,
                    version=version,
                    data={
                        "kind": Node.Kind.ACTION,
                        "parent": oo_node,
                        "number": f"{o_index + 1}.{oo_index + 1}.{a_index + 1}",
                        "title": title,
                        "lead_label": lead_label,
                        "partners_label": partners_label,
                        "starts_on": start,
                    },
                )
                actions[(o_index, oo_index, a_index)] = a_node
    return actions


PATHS: dict[str, tuple[str, ...]] = {
    S.PLANNED: (),
    S.IN_PROGRESS: (S.IN_PROGRESS,),
    S.DONE: (S.IN_PROGRESS, S.DONE),
    S.POSTPONED: (S.POSTPONED,),
    S.ABANDONED: (S.ABANDONED,),
}


def _set_statuses(actions: dict[tuple[int, int, int], Node], *, which: int, at: dt.date) -> None:
    moment = timezone.make_aware(dt.datetime.combine(at, dt.time(10)))
    for (o, oo, a), node in actions.items():
        wanted, progress = PLAN[o]["operational"][oo][1][a][3 + which]
        node.refresh_from_db()
        if node.status != wanted:
            if node.status in (S.DONE, S.POSTPONED, S.ABANDONED) and wanted not in services.allowed_statuses(
                node
            ):
                path: tuple[str, ...] = (
                    (S.IN_PROGRESS, wanted) if wanted != S.IN_PROGRESS else (S.IN_PROGRESS,)
                )
            else:
                path = PATHS[wanted] if node.status == S.PLANNED else (wanted,)
            for step in path:
                if step != node.status:
                    node = services.change_status(
                        actor=DEMO, node=node, to_status=step, note="Point d'étape de l'animation", at=moment
                    )
        if node.status != S.DONE:
            services.set_progress(actor=DEMO, node=node, progress=progress)
        elif node.ends_on is None:
            services.update_node(actor=DEMO, node=node, data={"ends_on": at})


def _load_milestones(actions: dict[tuple[int, int, int], Node], start: dt.date) -> None:
    for o, oo, a, label, month in ROADMAP:
        node = actions[(o, oo, a)]
        if month is None:
            services.add_milestone(
                actor=DEMO, node=node, title=label, date=seed_month(start, 2012, 7), precision=P.SEMESTER
            )
        else:
            services.add_milestone(
                actor=DEMO, node=node, title=label, date=seed_month(start, 2012, month), precision=P.MONTH
            )
    for node in actions.values():
        dated = [m.date for m in node.milestones.all() if m.precision == P.MONTH]
        if dated and min(dated) > node.starts_on:
            services.update_node(actor=DEMO, node=node, data={"starts_on": min(dated)})
        for milestone in node.milestones.all():
            if milestone.date < add_months(start, 6):
                services.update_milestone(
                    actor=DEMO,
                    milestone=milestone,
                    title=milestone.title,
                    date=milestone.date,
                    precision=milestone.precision,
                    reached_on=milestone.date,
                )


def _load_indicators(first: PlanVersion, second: PlanVersion, start: dt.date, today: dt.date) -> None:
    end = first.contract.ends_on
    territory = first.contract.territory
    ess_structures = (
        Structure.objects.filter(territory=territory, status=Structure.Status.PUBLISHED)
        .exclude(family=Structure.Family.HORS_ESS)
        .count()
    )
    for o, oo, a, title, unit, baseline, target, metric_key, values in INDICATORS:
        if metric_key and metric_key not in registry.metrics:
            continue
        if metric_key == "charter_signatories" and ess_structures:
            target = ess_structures
        for version in (first, second):
            objective = version.nodes.filter(kind=Node.Kind.OBJECTIVE).order_by("position", "pk")[o]
            node = objective
            if oo is not None:
                node = objective.children.order_by("position", "pk")[oo]
                if a is not None:
                    node = node.children.order_by("position", "pk")[a]
            indicator = services.add_indicator(
                actor=DEMO,
                node=node,
                title=title,
                unit=unit,
                baseline=Decimal(baseline),
                target=Decimal(target),
                target_date=end,
                metric_key=metric_key,
            )
            if metric_key:
                continue  # computed below, from the module that owns the figure
            for year, month, value in values:
                date = seed_month(start, year, month)
                if date > today:
                    continue
                services.record_measurement(actor=DEMO, indicator=indicator, date=date, value=Decimal(value))
        if metric_key:
            # A history computed as the daily job would have: on the seed's dates, then today.
            for year, month, _value in values:
                date = seed_month(start, year, month)
                if date <= today:
                    services.compute_measurements(actor=DEMO, territory=territory, today=date)
            services.compute_measurements(actor=DEMO, territory=territory, today=today)


def _plenary_event(territory: Territory, plenary: dt.date) -> int | None:
    """The agenda event the demo plenary is, among the registry link target's choices: a « plénière » if
    the agenda has one, else the event closest to the plenary's month (the events demo creates no plenary,
    so it is the December Rendez-vous de l'ESS). Read through the registry (content type): plan imports no
    events code."""
    target = registry.link_targets.get(PLENARY_TARGET)
    if target is None:
        return None
    ids = [pk for pk, _ in target.choices(territory)]
    app_label, model = target.model.split(".", 1)
    model_class = ContentType.objects.get_by_natural_key(app_label, model.lower()).model_class()
    if not ids or model_class is None:
        return None

    def rank(obj: Any) -> tuple[bool, int]:
        start = getattr(obj, "start", None)
        day = timezone.localtime(start).date() if start is not None else dt.date.min
        return (getattr(obj, "kind", "") != "pleniere", abs((day - plenary).days))

    return min(model_class._default_manager.filter(pk__in=ids), key=rank).pk


def _load_evaluation(first: PlanVersion, start: dt.date, context: dict[str, Any]) -> None:
    """The first evaluation (« Décembre – Premier temps d'évaluation en plénière – Partage du plan d'actions
    annuel 2013 »): a partner's comment, the animator's conclusions, adopted and frozen."""
    plenary = seed_month(start, 2012, 12)
    evaluation = services.open_evaluation(
        actor=DEMO, version=first, consultation_ends_on=timezone.localdate() + dt.timedelta(days=1)
    )
    manager = context.get("demo_accounts", {}).get("manager_ressourcerie")
    structure = Structure.objects.filter(
        territory=first.contract.territory, slug="la-ressourcerie-du-pays-de-grasse"
    ).first()
    if (
        manager is not None
        and structure is not None
        and manager.memberships.filter(structure=structure).exists()
    ):
        services.add_evaluation_comment(
            actor=manager,
            evaluation=evaluation,
            structure=structure,
            text="Les Rendez-vous de l'ESS nous ont fait rencontrer trois partenaires. "
            "Nous souhaitons qu'ils passent aussi dans les villages du haut pays.",
        )
    services.conclude_evaluation(
        actor=DEMO,
        evaluation=evaluation,
        conclusions="Un premier semestre riche : le guide des acteurs est en ligne, les Rendez-vous de l'ESS "
        "ont lieu chaque mois et la formation collective DLA a démarré. Les permanences du RLA ont pris du "
        "retard faute de lieu ; l'appel à projets et le fonds d'initiative restent à construire.",
        next_year_changes="- Reprendre les permanences du RLA avec un lieu dédié.\n"
        "- Lancer le premier appel à projets annuel.\n- Organiser des Rendez-vous hors de Grasse.",
        plenary_label=f"Premier temps d'évaluation en plénière ({plenary:%m/%Y}) – Partage du plan d'actions "
        f"annuel {first.year + 1}",
        plenary_event=_plenary_event(first.contract.territory, plenary),
    )
    services.adopt_evaluation(
        actor=DEMO,
        evaluation=evaluation,
        at=timezone.make_aware(dt.datetime.combine(plenary + dt.timedelta(days=14), dt.time(18))),
    )
    services.backdate_consultation(
        actor=DEMO, evaluation=evaluation, consultation_ends_on=plenary - dt.timedelta(days=7)
    )

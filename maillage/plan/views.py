"""Pages of the plan: the public accountability page and node detail, the animator's editing pages.

Views are thin: fetch through a scoped queryset, call one service, render or redirect. A service's
`ValidationError` is shown on the form (error summary at the top, errors beside fields); nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from maillage.core.demo import demo_today
from maillage.core.exports import export_response
from maillage.core.uploads import validate_upload
from maillage.plan import forms, pdf, report, roadmap, services, transfer
from maillage.plan.display import tree_rows
from maillage.plan.models import Evaluation, Node, PlanVersion
from maillage.plan.querysets import (
    IndicatorQuerySet,
    NodeQuerySet,
    VersionQuerySet,
    build_tree,
    contract_for,
    evaluations_of,
    filter_tree,
    find,
    plan_summary,
)


def animator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.territory is None or not request.user.has_perm(
            "core.animate_territory", request.territory
        ):
            raise PermissionDenied("Page réservée à l'animation du territoire.")
        return view(request, *args, **kwargs)

    return wrapper


def apply_errors(form: Form, error: ValidationError) -> None:
    """Attach a service's errors to the form: to their field when it exists, else to the whole form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Accueil", reverse("core:home")), ("Contrat et plan d'actions", reverse("plan:index")), *items]


# --- public ------------------------------------------------------------------------------------------


def index(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """The accountability page: the plan of a year with progress, status and indicators; filters."""
    territory = request.territory
    contract = contract_for(territory)
    versions = list(VersionQuerySet.for_user(request.user, territory))
    if year is None:
        version = VersionQuerySet.current(territory, demo_today())
    else:
        version = next((v for v in versions if v.year == year), None)
        if version is None:
            raise Http404("Aucun plan d'actions pour cette année.")
    roots = build_tree(version, history=False) if version is not None else []
    objective = request.GET.get("objectif", "")
    status = request.GET.get("statut", "")
    objective_id = int(objective) if objective.isdigit() else None
    if status not in Node.Status.values:
        status = ""
    shown = filter_tree(roots, objective=objective_id, status=status)
    can_edit = bool(
        territory is not None
        and request.user.is_authenticated
        and request.user.has_perm("core.animate_territory", territory)
    )
    return render(
        request,
        "plan/index.html",
        {
            "contract": contract,
            "version": version,
            "evaluation": Evaluation.objects.filter(version=version).first() if version else None,
            "evaluations": evaluations_of(territory),
            "versions": versions,
            "rows": tree_rows(shown),
            "all_roots": roots,
            "summary": plan_summary(roots),
            "filtered": bool(objective_id or status),
            "selected_objective": objective_id,
            "selected_status": status,
            "statuses": Node.Status.choices,
            "can_edit": can_edit,
            "breadcrumbs": [("Accueil", reverse("core:home")), ("Contrat et plan d'actions", None)],
        },
    )


def node_detail(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_object_or_404(NodeQuerySet.for_user(request.user, request.territory), pk=pk)
    item = find(build_tree(node.version), node.pk)
    if item is None:
        raise Http404
    ancestors = []
    cursor = node.parent
    while cursor is not None:
        ancestors.insert(0, cursor)
        cursor = cursor.parent
    links = [(link, services.link_url(link)) for link in node.links.select_related("content_type")]
    return render(
        request,
        "plan/node_detail.html",
        {
            "item": item,
            "rows": tree_rows(item.children),
            "node": node,
            "ancestors": ancestors,
            "links": links,
            "status_changes": node.status_changes.all(),
            "can_edit": request.user.is_authenticated
            and request.user.has_perm("core.animate_territory", request.territory),
            "breadcrumbs": _crumbs(
                (f"Plan {node.version.year}", reverse("plan:version", args=[node.version.year])),
                (str(node), None),
            ),
        },
    )


# --- animator ----------------------------------------------------------------------------------------


def _plenary_choices(territory, evaluation: Evaluation) -> list[tuple[int, str]]:
    """The agenda events offered as the plenary, plus the one already picked if it has left the window."""
    choices = services.plenary_choices(territory)
    if evaluation.plenary_object_id and evaluation.plenary_object_id not in dict(choices):
        choices.insert(0, (evaluation.plenary_object_id, evaluation.plenary_label))
    return choices


def _form_page(
    request: HttpRequest,
    *,
    form: Form,
    title: str,
    back: str,
    intro: str = "",
    submit: str = "Enregistrer",
    crumbs: list[tuple[str, str | None]] | None = None,
    multipart: bool = False,
) -> HttpResponse:
    return render(
        request,
        "plan/form.html",
        {
            "form": form,
            "title": title,
            "intro": intro,
            "submit": submit,
            "back": back,
            "multipart": multipart,
            "breadcrumbs": crumbs or _crumbs((title, None)),
        },
    )


@animator_required
def manage(request: HttpRequest) -> HttpResponse:
    """The contract (create or edit) and the yearly plans."""
    territory = request.territory
    contract = contract_for(territory)
    form = forms.ContractForm(request.POST or None, instance=contract)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            services.save_contract(actor=request.user, territory=territory, data=data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Le contrat est enregistré.")
            return redirect("plan:manage")
    return render(
        request,
        "plan/manage.html",
        {
            "form": form,
            "contract": contract,
            "versions": VersionQuerySet.for_user(request.user, territory),
            "breadcrumbs": _crumbs(("Gérer le contrat", None)),
        },
    )


@animator_required
def version_create(request: HttpRequest) -> HttpResponse:
    """A new yearly plan: the first one empty, the next ones as a copy of the latest."""
    territory = request.territory
    contract = contract_for(territory)
    if contract is None:
        messages.error(request, "Enregistrez d'abord le contrat.")
        return redirect("plan:manage")
    latest = VersionQuerySet.for_user(request.user, territory).order_by("-year").first()
    initial_year = latest.year + 1 if latest else contract.starts_on.year
    form = forms.VersionCopyForm(request.POST or None, initial={"year": initial_year})
    if request.method == "POST" and form.is_valid():
        try:
            if latest is None:
                version = services.create_version(
                    actor=request.user, contract=contract, year=form.cleaned_data["year"]
                )
            else:
                version = services.copy_version(
                    actor=request.user, version=latest, year=form.cleaned_data["year"]
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Le plan d'actions {version.year} est créé.")
            return redirect("plan:version", year=version.year)
    intro = (
        f"Le nouveau plan reprend tout le plan {latest.year} : objectifs, actions, moyens, échéancier, "
        "indicateurs (sans leurs mesures) et liens. Vous l'ajusterez ensuite."
        if latest
        else "Le premier plan d'actions annuel du contrat, vide : ajoutez-y ensuite les objectifs."
    )
    return _form_page(
        request,
        form=form,
        title="Nouveau plan d'actions annuel",
        back=reverse("plan:manage"),
        intro=intro,
        submit="Créer le plan",
    )


def _version_or_404(request: HttpRequest, year: int) -> PlanVersion:
    return get_object_or_404(VersionQuerySet.for_user(request.user, request.territory), year=year)


def _node_or_404(request: HttpRequest, pk: int) -> Node:
    return get_object_or_404(NodeQuerySet.for_user(request.user, request.territory), pk=pk)


def _warn(request: HttpRequest, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, f"Attention : {warning}")


@animator_required
def node_create(request: HttpRequest, year: int) -> HttpResponse:
    version = _version_or_404(request, year)
    parent_id = request.GET.get("parent", "")
    parent = Node.objects.filter(version=version, pk=parent_id).first() if parent_id.isdigit() else None
    kind = {None: Node.Kind.OBJECTIVE, Node.Kind.OBJECTIVE: Node.Kind.OPERATIONAL}.get(
        parent.kind if parent else None, Node.Kind.ACTION
    )
    form = forms.NodeForm(
        request.POST or None,
        version=version,
        territory=request.territory,
        initial={"parent": parent, "kind": kind, "weight": 1},
    )
    if request.method == "POST" and form.is_valid():
        try:
            node, warnings = services.create_node(
                actor=request.user,
                version=version,
                data=form.node_data(),
                partners=list(form.cleaned_data["partners"]),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            _warn(request, warnings)
            messages.success(request, "L'élément est ajouté au plan.")
            return redirect("plan:node_edit", pk=node.pk)
    return _form_page(
        request,
        form=form,
        title=f"Ajouter un élément au plan {version.year}",
        back=reverse("plan:version", args=[year]),
    )


@animator_required
def node_edit(request: HttpRequest, pk: int) -> HttpResponse:
    node = _node_or_404(request, pk)
    initial = {f: getattr(node, f) for f in services.NODE_FIELDS}
    initial["partners"] = list(node.partners.all())
    form = forms.NodeForm(
        request.POST or None, version=node.version, territory=request.territory, initial=initial
    )
    form.fields["parent"].queryset = form.fields["parent"].queryset.exclude(pk=node.pk)
    if request.method == "POST" and form.is_valid():
        try:
            node, warnings = services.update_node(
                actor=request.user,
                node=node,
                data=form.node_data(),
                partners=list(form.cleaned_data["partners"]),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            _warn(request, warnings)
            messages.success(request, "L'élément est enregistré.")
            return redirect("plan:node_edit", pk=node.pk)
    return render(
        request,
        "plan/node_edit.html",
        {
            "form": form,
            "node": node,
            "allowed": services.allowed_statuses(node) if node.is_action else (),
            "breadcrumbs": _crumbs(
                (f"Plan {node.version.year}", reverse("plan:version", args=[node.version.year])),
                (str(node), reverse("plan:node", args=[node.pk])),
                ("Modifier", None),
            ),
        },
    )


def _node_subform(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[Form],
    title: str,
    act: Callable[[Node, dict[str, Any]], Any],
    done: str,
    form_kwargs: dict[str, Any] | None = None,
    node_kwargs: Callable[[Node], dict[str, Any]] | None = None,
) -> HttpResponse:
    node = _node_or_404(request, pk)
    kwargs = dict(form_kwargs or {})
    if node_kwargs:
        kwargs.update(node_kwargs(node))
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            act(node, form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("plan:node_edit", pk=node.pk)
    back = reverse("plan:node_edit", args=[node.pk])
    return _form_page(
        request,
        form=form,
        title=f"{title} — {node}",
        back=back,
        crumbs=_crumbs(
            (f"Plan {node.version.year}", reverse("plan:version", args=[node.version.year])),
            (str(node), back),
            (title, None),
        ),
    )


@animator_required
def node_status(request: HttpRequest, pk: int) -> HttpResponse:
    return _node_subform(
        request,
        pk,
        form_class=forms.StatusForm,
        title="Changer le statut",
        node_kwargs=lambda node: {"allowed": services.allowed_statuses(node)},
        act=lambda node, data: services.change_status(
            actor=request.user, node=node, to_status=data["status"], note=data["note"]
        ),
        done="Le statut est changé.",
    )


@animator_required
def node_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return _node_subform(
        request,
        pk,
        form_class=forms.ProgressForm,
        title="Mettre à jour l'avancement",
        act=lambda node, data: services.set_progress(
            actor=request.user, node=node, progress=data["progress"]
        ),
        done="L'avancement est mis à jour.",
    )


@animator_required
def means_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _node_subform(
        request,
        pk,
        form_class=forms.MeansForm,
        title="Ajouter un moyen",
        act=lambda node, data: services.add_means(actor=request.user, node=node, **data),
        done="Le moyen est ajouté.",
    )


@animator_required
def schedule_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _node_subform(
        request,
        pk,
        form_class=forms.ScheduleForm,
        title="Ajouter une échéance",
        act=lambda node, data: services.add_schedule_entry(actor=request.user, node=node, **data),
        done="L'échéance est ajoutée.",
    )


@animator_required
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _node_subform(
        request,
        pk,
        form_class=forms.MilestoneForm,
        title="Ajouter un jalon",
        act=lambda node, data: services.add_milestone(actor=request.user, node=node, **data),
        done="Le jalon est ajouté.",
    )


@animator_required
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _node_subform(
        request,
        pk,
        form_class=forms.IndicatorForm,
        title="Ajouter un indicateur",
        act=lambda node, data: services.add_indicator(actor=request.user, node=node, **data),
        done="L'indicateur est ajouté.",
    )


@animator_required
def link_add(request: HttpRequest, pk: int) -> HttpResponse:
    def act(node: Node, data: dict[str, Any]) -> Any:
        key, _, object_id = data["target"].rpartition(":")
        return services.add_link(actor=request.user, node=node, target_key=key, object_id=int(object_id))

    return _node_subform(
        request,
        pk,
        form_class=forms.LinkForm,
        title="Relier à un élément de la plateforme",
        act=act,
        done="Le lien est ajouté.",
        form_kwargs={"territory": request.territory},
    )


@animator_required
def measurement_add(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(IndicatorQuerySet.for_user(request.user, request.territory), pk=pk)
    form = forms.MeasurementForm(request.POST or None)
    back = reverse("plan:node_edit", args=[indicator.node_id])
    if request.method == "POST" and form.is_valid():
        try:
            services.record_measurement(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "La mesure est enregistrée.")
            return redirect(back)
    return _form_page(request, form=form, title=f"Saisir une mesure — {indicator}", back=back)


# --- import and export -------------------------------------------------------------------------------


def export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    """The plan of a year as CSV or XLSX (public data: no personal data in it)."""
    version = _version_or_404(request, year)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return export_response(
        headers=transfer.HEADERS,
        rows=transfer.export_rows(version),
        filename=f"plan-d-actions-{version.year}",
        fmt=fmt,
        title=f"Plan {version.year}",
    )


@animator_required
def import_plan(request: HttpRequest, year: int) -> HttpResponse:
    version = _version_or_404(request, year)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = validate_upload(upload, kinds=("csv", "xlsx"), max_bytes=2 * 1024 * 1024)
            upload.seek(0)
            rows = transfer.read_table(upload.read(), checked.kind)
            report = transfer.import_plan(
                actor=request.user, version=version, rows=rows, dry_run=form.cleaned_data["dry_run"]
            )
        except ValidationError as error:
            form.add_error("file", error)
        except transfer.ImportFailed as failure:
            report = failure.report
        else:
            if not report.dry_run:
                messages.success(
                    request,
                    f"Import terminé : {report.created} élément(s) créé(s), {report.updated} modifié(s), "
                    f"{report.unchanged} inchangé(s).",
                )
                _warn(request, [f"ligne {line} : {w}" for line, w in report.warnings])
                return redirect("plan:version", year=version.year)
    return render(
        request,
        "plan/import.html",
        {
            "form": form,
            "version": version,
            "report": report,
            "breadcrumbs": _crumbs(
                (f"Plan {version.year}", reverse("plan:version", args=[version.year])), ("Importer", None)
            ),
        },
    )


# --- roadmap -----------------------------------------------------------------------------------------


def roadmap_page(request: HttpRequest, year: int) -> HttpResponse:
    """The « feuille de route »: timeline by semester or quarter, Gantt-like SVG with a table alternative."""
    version = _version_or_404(request, year)
    by = "quarter" if request.GET.get("par") == "trimestre" else "semester"
    today = demo_today()
    rows = roadmap.build_rows(version, today)
    start, end = roadmap.chart_range(version, rows)
    return render(
        request,
        "plan/roadmap.html",
        {
            "version": version,
            "by": by,
            "timeline": roadmap.timeline(rows, by),
            "chart": roadmap.chart(rows, start=start, end=end, today=today),
            "today": today,
            "breadcrumbs": _crumbs(
                (f"Plan {version.year}", reverse("plan:version", args=[version.year])),
                ("Feuille de route", None),
            ),
        },
    )


# --- yearly evaluation -------------------------------------------------------------------------------


def _evaluation_or_404(request: HttpRequest, year: int) -> Evaluation:
    version = _version_or_404(request, year)
    evaluation = Evaluation.objects.filter(version=version).first()
    if evaluation is None:
        raise Http404("Pas d'évaluation pour ce plan.")
    return evaluation


def _report_of(evaluation: Evaluation) -> dict[str, Any]:
    if evaluation.status == Evaluation.Status.ADOPTED:
        if evaluation.snapshot:
            return evaluation.snapshot
        adopted_on = timezone.localdate(evaluation.adopted_at) if evaluation.adopted_at else None
        return report.draft(evaluation.version, evaluation, as_of=adopted_on)
    return report.draft(evaluation.version, evaluation)


def _report_context(evaluation: Evaluation) -> dict[str, Any]:
    data = _report_of(evaluation)
    return {
        "evaluation": evaluation,
        "report": data,
        "indicators": report.indicators_of(data),
        "charts": report.charts(data),
        "counts_text": report.counts_text(data),
        "adopted": evaluation.status == Evaluation.Status.ADOPTED,
    }


def evaluation_page(request: HttpRequest, year: int) -> HttpResponse:
    evaluation = _evaluation_or_404(request, year)
    territory = request.territory
    is_animator = request.user.is_authenticated and request.user.has_perm("core.animate_territory", territory)
    can_comment = services.consultation_open(evaluation) and (
        is_animator or bool(services.commenting_structures(request.user, evaluation))
    )
    context = _report_context(evaluation)
    context.update(
        {
            "can_comment": can_comment,
            "consultation_open": services.consultation_open(evaluation),
            "is_animator": is_animator,
            "breadcrumbs": _crumbs(
                (f"Plan {year}", reverse("plan:version", args=[year])), (f"Évaluation {year}", None)
            ),
        }
    )
    return render(request, "plan/evaluation.html", context)


def evaluation_pdf(request: HttpRequest, year: int) -> HttpResponse:
    evaluation = _evaluation_or_404(request, year)
    html = render_to_string("plan/evaluation_pdf.html", _report_context(evaluation), request=request)
    body = pdf.render_pdf(html, base_url=request.territory.absolute_url("/"))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="evaluation-plan-{year}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def evaluation_comment(request: HttpRequest, year: int) -> HttpResponse:
    evaluation = _evaluation_or_404(request, year)
    structures = services.commenting_structures(request.user, evaluation)
    if not structures and not request.user.has_perm("core.animate_territory", request.territory):
        raise PermissionDenied(
            "Seuls les partenaires du territoire et l'animation peuvent commenter l'évaluation."
        )
    form = forms.CommentForm(request.POST or None, structures=structures)
    back = reverse("plan:evaluation", args=[year])
    if request.method == "POST" and form.is_valid():
        try:
            services.add_evaluation_comment(
                actor=request.user,
                evaluation=evaluation,
                text=form.cleaned_data["text"],
                structure=form.cleaned_data.get("structure"),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Merci, votre commentaire est enregistré.")
            return redirect(back)
    intro = (
        f"Consultation ouverte jusqu'au {evaluation.consultation_ends_on:%d/%m/%Y}. "
        "Votre commentaire est lu par "
        "l'animation et figure dans le rapport, avec le nom de votre structure (pas le vôtre)."
        if services.consultation_open(evaluation)
        else "La consultation des partenaires est close."
    )
    return _form_page(
        request, form=form, title=f"Commenter l'évaluation {year}", back=back, intro=intro, submit="Envoyer"
    )


@animator_required
def evaluation_manage(request: HttpRequest, year: int) -> HttpResponse:
    """Open the evaluation (consultation end date), then write the conclusions and changes."""
    version = _version_or_404(request, year)
    evaluation = Evaluation.objects.filter(version=version).first()
    back = reverse("plan:version", args=[year])
    if evaluation is None:
        form: Form = forms.EvaluationOpenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.open_evaluation(actor=request.user, version=version, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "L'évaluation est ouverte : les partenaires peuvent la commenter.")
                return redirect("plan:evaluation", year=year)
        return _form_page(
            request,
            form=form,
            title=f"Ouvrir l'évaluation du plan {year}",
            back=back,
            intro="Le rapport est préparé à partir du plan ; "
            "les partenaires le commentent jusqu'à la date choisie.",
            submit="Ouvrir l'évaluation",
        )
    if evaluation.status == Evaluation.Status.ADOPTED:
        messages.info(request, "Ce rapport est adopté : il est figé.")
        return redirect("plan:evaluation", year=year)
    form = forms.EvaluationConcludeForm(
        request.POST or None,
        initial={
            "conclusions": evaluation.conclusions,
            "next_year_changes": evaluation.next_year_changes,
            "plenary_event": evaluation.plenary_object_id,
            "plenary_label": "" if evaluation.plenary_object_id else evaluation.plenary_label,
            "plenary_url": "" if evaluation.plenary_object_id else evaluation.plenary_url,
        },
        plenary_choices=_plenary_choices(request.territory, evaluation),
    )
    if request.method == "POST" and form.is_valid():
        adopt = form.cleaned_data.pop("adopt")
        try:
            evaluation = services.conclude_evaluation(
                actor=request.user, evaluation=evaluation, **form.cleaned_data
            )
            if adopt:
                services.adopt_evaluation(actor=request.user, evaluation=evaluation)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, "Le rapport est adopté et figé." if adopt else "Les conclusions sont enregistrées."
            )
            return redirect("plan:evaluation", year=year)
    return _form_page(
        request,
        form=form,
        title=f"Conclure l'évaluation du plan {year}",
        back=reverse("plan:evaluation", args=[year]),
        intro="Une fois adopté, le rapport est figé : "
        "les modifications ultérieures du plan ne le changent plus.",
    )


@animator_required
def document_add(request: HttpRequest) -> HttpResponse:
    contract = contract_for(request.territory)
    if contract is None:
        messages.error(request, "Enregistrez d'abord le contrat.")
        return redirect("plan:manage")
    form = forms.DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_contract_document(actor=request.user, contract=contract, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Le document est ajouté au contrat.")
            return redirect("plan:manage")
    return _form_page(
        request,
        form=form,
        title="Ajouter un document au contrat",
        back=reverse("plan:manage"),
        intro="Un lien vers le document (le contrat signé, une délibération…), "
        "déposé dans un espace documentaire.",
    )

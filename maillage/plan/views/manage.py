"""The animator's pages: the contract and its documents, the yearly plans, the nodes and what hangs on them.

Thin: fetch through a scoped queryset, call one service, render or redirect. A service's `ValidationError`
is shown on the form (error summary at the top, errors beside fields); nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from maillage.plan import forms, selectors, services
from maillage.plan.models import Indicator, Node, PlanVersion
from maillage.plan.selectors import crumbs, plan_crumb
from maillage.plan.views._common import (
    animator_required,
    apply_errors,
    form_page,
    node_or_404,
    version_or_404,
    warn,
)


@animator_required
def manage(request: HttpRequest) -> HttpResponse:
    """The contract (create or edit) and the yearly plans."""
    territory = request.territory
    contract = selectors.contract_for(territory)
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
            "versions": PlanVersion.objects.for_user(request.user, territory),
            "breadcrumbs": crumbs(("Gérer le contrat", None)),
        },
    )


@animator_required
def version_create(request: HttpRequest) -> HttpResponse:
    """A new yearly plan: the first one empty, the next ones as a copy of the latest."""
    territory = request.territory
    contract = selectors.contract_for(territory)
    if contract is None:
        messages.error(request, "Enregistrez d'abord le contrat.")
        return redirect("plan:manage")
    latest = PlanVersion.objects.for_user(request.user, territory).order_by("-year").first()
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
    return form_page(
        request,
        form=form,
        title="Nouveau plan d'actions annuel",
        back=reverse("plan:manage"),
        intro=intro,
        submit="Créer le plan",
    )


@animator_required
def document_add(request: HttpRequest) -> HttpResponse:
    contract = selectors.contract_for(request.territory)
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
    return form_page(
        request,
        form=form,
        title="Ajouter un document au contrat",
        back=reverse("plan:manage"),
        intro="Un lien vers le document (le contrat signé, une délibération…), "
        "déposé dans un espace documentaire.",
    )


@animator_required
def node_create(request: HttpRequest, year: int) -> HttpResponse:
    version = version_or_404(request, year)
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
            warn(request, warnings)
            messages.success(request, "L'élément est ajouté au plan.")
            return redirect("plan:node_edit", pk=node.pk)
    return form_page(
        request,
        form=form,
        title=f"Ajouter un élément au plan {version.year}",
        back=reverse("plan:version", args=[year]),
    )


@animator_required
def node_edit(request: HttpRequest, pk: int) -> HttpResponse:
    node = node_or_404(request, pk)
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
            warn(request, warnings)
            messages.success(request, "L'élément est enregistré.")
            return redirect("plan:node_edit", pk=node.pk)
    return render(
        request,
        "plan/node_edit.html",
        {
            "form": form,
            "node": node,
            "allowed": services.allowed_statuses(node) if node.is_action else (),
            "breadcrumbs": crumbs(
                plan_crumb(node.version),
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
    node = node_or_404(request, pk)
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
    return form_page(
        request,
        form=form,
        title=f"{title} — {node}",
        back=back,
        crumbs_=crumbs(
            plan_crumb(node.version),
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


def _item_add(
    form_class: type[Form], title: str, add: Callable[..., Any], done: str
) -> Callable[..., HttpResponse]:
    """A page that adds one item (means, schedule entry, milestone, indicator) to a node with one service."""

    @animator_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _node_subform(
            request,
            pk,
            form_class=form_class,
            title=title,
            act=lambda node, data: add(actor=request.user, node=node, **data),
            done=done,
        )

    return view


means_add = _item_add(forms.MeansForm, "Ajouter un moyen", services.add_means, "Le moyen est ajouté.")
schedule_add = _item_add(
    forms.ScheduleForm, "Ajouter une échéance", services.add_schedule_entry, "L'échéance est ajoutée."
)
milestone_add = _item_add(
    forms.MilestoneForm, "Ajouter un jalon", services.add_milestone, "Le jalon est ajouté."
)
indicator_add = _item_add(
    forms.IndicatorForm, "Ajouter un indicateur", services.add_indicator, "L'indicateur est ajouté."
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
    indicator = get_object_or_404(Indicator.objects.for_user(request.user, request.territory), pk=pk)
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
    return form_page(request, form=form, title=f"Saisir une mesure — {indicator}", back=back)

"""What the plan's views share: the animator guard, errors on forms, the generic form page, scoped fetches."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from maillage.plan import permissions
from maillage.plan.models import Evaluation, Node, PlanVersion
from maillage.plan.selectors import Crumbs, crumbs


def animator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_animate(request.user, request.territory):
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


def form_page(
    request: HttpRequest,
    *,
    form: Form,
    title: str,
    back: str,
    intro: str = "",
    submit: str = "Enregistrer",
    crumbs_: Crumbs | None = None,
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
            "breadcrumbs": crumbs_ or crumbs((title, None)),
        },
    )


def warn(request: HttpRequest, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, f"Attention : {warning}")


def version_or_404(request: HttpRequest, year: int) -> PlanVersion:
    return get_object_or_404(PlanVersion.objects.for_user(request.user, request.territory), year=year)


def node_or_404(request: HttpRequest, pk: int) -> Node:
    return get_object_or_404(Node.objects.for_user(request.user, request.territory), pk=pk)


def evaluation_or_404(request: HttpRequest, year: int) -> Evaluation:
    version = version_or_404(request, year)
    evaluation = Evaluation.objects.filter(version=version).first()
    if evaluation is None:
        raise Http404("Pas d'évaluation pour ce plan.")
    return evaluation

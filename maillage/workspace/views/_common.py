"""What every page of the workspace needs: the served territory, form errors, the scoped lookups."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from maillage.core.models import Territory
from maillage.workspace import permissions
from maillage.workspace.models import Atelier, Document, Post, Thread


def served_territory(request: HttpRequest) -> Territory:
    territory = getattr(request, "territory", None)
    if territory is None:
        raise Http404("Aucun territoire n'est servi à cette adresse.")
    return territory


def form_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def atelier_or_404(request: HttpRequest, slug: str) -> Atelier:
    return get_object_or_404(Atelier.objects.for_user(request.user, served_territory(request)), slug=slug)


def readable_atelier(request: HttpRequest, slug: str, message: str) -> Atelier:
    atelier = atelier_or_404(request, slug)
    if not permissions.can_read_atelier(request.user, atelier):
        raise PermissionDenied(message)
    return atelier


def coordinated_atelier(request: HttpRequest, slug: str, message: str) -> Atelier:
    atelier = atelier_or_404(request, slug)
    if not permissions.can_coordinate(request.user, atelier):
        raise PermissionDenied(message)
    return atelier


def readable_thread(request: HttpRequest, pk: int) -> Thread:
    thread = get_object_or_404(
        Thread.objects.in_territory(served_territory(request)).select_related("atelier"), pk=pk
    )
    if not permissions.can_read_thread(request.user, thread):
        raise PermissionDenied("Cette discussion est réservée à ses participants.")
    return thread


def readable_post(request: HttpRequest, pk: int) -> Post:
    return get_object_or_404(
        Post.objects.for_user(request.user, served_territory(request)).select_related("thread"), pk=pk
    )


def readable_document(request: HttpRequest, pk: int) -> Document:
    document = get_object_or_404(
        Document.objects.filter(atelier__territory=served_territory(request)).select_related("atelier"), pk=pk
    )
    if not permissions.can_read_atelier(request.user, document.atelier):
        raise PermissionDenied("Les documents de l'atelier sont réservés à ses membres.")
    return document


def territory_member(request: HttpRequest) -> Territory:
    territory = served_territory(request)
    if not permissions.is_territory_member(request.user, territory):
        raise PermissionDenied("Les échanges sont réservés aux membres des structures du territoire.")
    return territory


def territory_staff(request: HttpRequest, message: str = "Réservé à l'équipe d'animation.") -> Territory:
    territory = served_territory(request)
    if not permissions.is_staff_of(request.user, territory):
        raise PermissionDenied(message)
    return territory

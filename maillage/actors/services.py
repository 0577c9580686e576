"""Writes of actors. Every function is keyword-only, typed, and runs in one transaction.

Structures: create (self-service or by the animation), update (live or through a moderated proposal),
status transitions (the table `models.TRANSITIONS`, each logged), « demander la gestion », error reports,
the contact form, practices, and the search index. Memberships: add or change, remove, hand over.
`actor` is the person acting (None for the system: the demo, an import, an erasure).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from importlib import import_module
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from maillage.accounts.models import TerritoryRole, User
from maillage.actors import directory as directory_cache
from maillage.actors import directory_index, geocoding, taxonomy
from maillage.actors.models import (
    TRANSITIONS,
    Decision,
    EditProposal,
    ErrorReport,
    ImportBatch,
    ImportMapping,
    ManagementRequest,
    Membership,
    Practice,
    Structure,
    StructureSector,
    StructureTransition,
)
from maillage.core import search
from maillage.core.mail import send_mail_on_commit, territory_url
from maillage.core.models import Commune, Territory
from maillage.core.tasks import enqueue_on_commit
from maillage.core.uploads import safe_name

logger = logging.getLogger(__name__)

SEARCH_KIND = "structure"
PRACTICE_KIND = "practice"

# The fields a structure's form edits (and a moderated proposal may change), in display order.
EDITABLE_FIELDS = [
    "name",
    "siren",
    "siret",
    "rna",
    "legal_form",
    "family",
    "inclusion_kind",
    "esus",
    "workforce_band",
    "labels",
    "address",
    "postal_code",
    "commune",
    "description",
    "website",
    "public_email",
    "public_phone",
    "contact_name",
    "contact_email",
    "contact_phone",
]
ADDRESS_FIELDS = {"address", "postal_code", "commune"}


class DuplicateStructure(ValidationError):
    """A structure with the same SIRET or RNA already exists: ask to manage it instead."""

    def __init__(self, existing: Structure) -> None:
        self.existing = existing
        super().__init__(
            f"Une fiche existe déjà pour ce numéro SIRET ou RNA : « {existing.name} ». "
            "Demandez-en la gestion plutôt que d'en créer une seconde.",
            code="duplicate",
        )


# --- validation ---------------------------------------------------------------------------------------


def clean_structure_data(territory: Territory, data: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise and validate a structure's fields; raise a French ValidationError (per field)."""
    cleaned = dict(data)
    errors: dict[str, list[str]] = {}
    for field, cleaner in (
        ("siret", taxonomy.clean_siret),
        ("siren", taxonomy.clean_siren),
        ("rna", taxonomy.clean_rna),
        ("legal_form", taxonomy.clean_legal_form),
    ):
        if field in cleaned:
            try:
                cleaned[field] = cleaner(cleaned[field] or "")
            except ValidationError as exc:
                errors[field] = exc.messages
    if cleaned.get("siret") and not cleaned.get("siren"):
        cleaned["siren"] = cleaned["siret"][:9]
    if cleaned.get("siret") and cleaned.get("siren") and cleaned["siret"][:9] != cleaned["siren"]:
        errors.setdefault("siren", []).append("Le SIREN doit être le début du SIRET.")
    if "name" in cleaned:
        cleaned["name"] = " ".join(str(cleaned["name"] or "").split())
        if not cleaned["name"]:
            errors["name"] = ["Indiquez le nom de la structure."]
    if cleaned.get("family") and cleaned["family"] not in Structure.Family.values:
        errors["family"] = ["Cette famille de l'ESS n'existe pas."]
    if cleaned.get("inclusion_kind") and cleaned["inclusion_kind"] not in taxonomy.INCLUSION_KINDS:
        errors["inclusion_kind"] = ["Ce type de structure inclusive n'existe pas."]
    if cleaned.get("workforce_band") and cleaned["workforce_band"] not in taxonomy.WORKFORCE_BANDS:
        errors["workforce_band"] = ["Cette tranche d'effectif n'existe pas."]
    commune = cleaned.get("commune")
    if commune is not None and not isinstance(commune, Commune):
        commune = Commune.objects.filter(insee_code=str(commune)).first()
        if commune is None:
            errors["commune"] = ["Cette commune est inconnue."]
        cleaned["commune"] = commune
    if commune is not None and not territory.communes.filter(pk=commune.pk).exists():
        errors["commune"] = ["Cette commune n'est pas dans le territoire."]
    if "labels" in cleaned:
        labels = cleaned["labels"]
        if isinstance(labels, str):
            labels = labels.split(",")
        cleaned["labels"] = [" ".join(str(x).split()) for x in labels if str(x).strip()][:20]
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_sectors(sectors: Iterable[str] | None) -> list[str]:
    keys = list(dict.fromkeys(sectors or []))
    unknown = [k for k in keys if k not in taxonomy.SECTORS]
    if unknown:
        raise ValidationError({"sectors": ["Secteur inconnu : {}.".format(", ".join(unknown))]})
    return keys


def find_duplicate(territory: Territory, *, siret: str = "", rna: str = "", exclude: int | None = None):
    query = Structure.objects.filter(territory=territory)
    if exclude is not None:
        query = query.exclude(pk=exclude)
    if siret:
        found = query.filter(siret=siret).first()
        if found is not None:
            return found
    if rna:
        return query.filter(rna=rna).first()
    return None


def unique_slug(territory: Territory, name: str, *, model: type = Structure, **scope: Any) -> str:
    base = (slugify(name) or "structure")[:100]
    slug, n = base, 2
    filters = scope or {"territory": territory}
    while model.objects.filter(slug=slug, **filters).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _is_animation(user: User | None, territory: Territory) -> bool:
    return user is not None and user.is_authenticated and user.is_animator_of(territory)


def _is_moderation(user: User | None, territory: Territory) -> bool:
    """The territory's moderators and animators (an animator moderates too)."""
    return (
        user is not None and user.is_authenticated and user.has_perm("actors.moderate_directory", territory)
    )


# --- search index ---------------------------------------------------------------------------------------


def index_structure(structure: Structure) -> None:
    """Put a published structure in the search index; remove any other. Cached directory counts of the
    territory are invalidated."""
    territory_id = structure.territory_id
    directory_cache.bump_version(territory_id)
    # again after commit: a search between now and the commit may have cached the old counts
    transaction.on_commit(lambda: directory_cache.bump_version(territory_id))
    if structure.status != Structure.Status.PUBLISHED:
        search.remove_document(kind=SEARCH_KIND, object_id=structure.pk)
        return
    sectors = [taxonomy.SECTORS[k].label for k in structure.sector_keys if k in taxonomy.SECTORS]
    inclusion = structure.inclusion
    search.index_document(
        territory=structure.territory,
        kind=SEARCH_KIND,
        object_id=structure.pk,
        title=structure.name,
        body=[
            structure.description,
            structure.commune.name if structure.commune else "",
            structure.get_family_display(),
            inclusion.label if inclusion else "",
            " ".join(sectors),
            " ".join(structure.labels or []),
            " ".join(p.title for p in structure.practices.filter(is_published=True)),
        ],
        facets={
            "family": structure.family,
            "commune": structure.commune.insee_code if structure.commune else "",
        },
    )


def index_practice(practice: Practice) -> None:
    if not practice.is_published or practice.structure.status != Structure.Status.PUBLISHED:
        search.remove_document(kind=PRACTICE_KIND, object_id=practice.pk)
        return
    search.index_document(
        territory=practice.structure.territory,
        kind=PRACTICE_KIND,
        object_id=practice.pk,
        title=practice.title,
        body=[practice.summary, practice.body, practice.structure.name, " ".join(practice.theme_labels)],
        facets={"themes": list(practice.themes)},
    )


# --- transitions ------------------------------------------------------------------------------------


def _log_transition(
    structure: Structure, actor: User | None, from_status: str, to_status: str, reason: str
) -> None:
    StructureTransition.objects.create(
        structure=structure,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


def _manager_emails(structure: Structure) -> list[str]:
    return list(
        Membership.objects.filter(structure=structure, role=Membership.Role.MANAGER, user__is_active=True)
        .values_list("user__email", flat=True)
        .order_by("user__email")
    )


def _moderation_emails(territory: Territory) -> list[str]:
    """Who moderates the directory: the territory's moderators and animators."""
    return sorted(
        set(
            TerritoryRole.objects.filter(
                territory=territory,
                role__in=[TerritoryRole.Role.ANIMATOR, TerritoryRole.Role.MODERATOR],
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
    )


def _set_sectors(structure: Structure, sectors: list[str]) -> None:
    StructureSector.objects.filter(structure=structure).exclude(sector__in=sectors).delete()
    existing = set(StructureSector.objects.filter(structure=structure).values_list("sector", flat=True))
    StructureSector.objects.bulk_create(
        [StructureSector(structure=structure, sector=k) for k in sectors if k not in existing]
    )


def _mark_provenance(structure: Structure, fields: Iterable[str], source: str) -> None:
    stamp = timezone.now().date().isoformat()
    for field in fields:
        structure.provenance[field] = {"source": source, "at": stamp}


@transaction.atomic
def create_structure(
    *,
    actor: User | None,
    territory: Territory,
    data: Mapping[str, Any],
    sectors: Iterable[str] = (),
    logo: Any = None,
    source: str = "",
    initial_status: str | None = None,
    position: tuple[float, float] | None = None,
) -> Structure:
    """Create a structure. Self-service (a signed-in person): pending, the person manages it, the animation
    is told. By the animation or the system: published at once. A SIRET/RNA already known raises
    `DuplicateStructure` (ask to manage it instead). `position` (latitude, longitude) comes with the data
    (an import, the demo): it is kept as the source's, and no geocoding is queued."""
    cleaned = clean_structure_data(territory, data)
    sector_keys = clean_sectors(sectors)
    duplicate = find_duplicate(territory, siret=cleaned.get("siret", ""), rna=cleaned.get("rna", ""))
    if duplicate is not None:
        raise DuplicateStructure(duplicate)
    by_animation = actor is None or _is_animation(actor, territory)
    structure = Structure(territory=territory)
    for field in EDITABLE_FIELDS:
        if field in cleaned:
            setattr(structure, field, cleaned[field])
    structure.slug = unique_slug(territory, structure.name)
    structure.status = Structure.Status.PUBLISHED if by_animation else Structure.Status.PENDING
    if initial_status is not None and actor is None:  # the demo and imports choose
        structure.status = initial_status
    if source:
        _mark_provenance(structure, [f for f in EDITABLE_FIELDS if cleaned.get(f)], source)
    elif actor is not None:
        _mark_provenance(structure, [f for f in EDITABLE_FIELDS if cleaned.get(f)], "manager")
    if logo is not None:
        structure.logo = logo
    if position is not None:
        structure.latitude, structure.longitude = position
        structure.geocoding = Structure.Geocoding.SOURCE
    structure._history_user = actor
    structure.save()
    _set_sectors(structure, sector_keys)
    _log_transition(structure, actor, "", structure.status, "Création de la fiche")
    if actor is not None and not _is_animation(actor, territory):
        add_membership(
            actor=None,
            user=actor,
            structure=structure,
            role=Membership.Role.MANAGER,
            reason="Création de la fiche",
        )
        moderation = _moderation_emails(territory)
        if moderation:
            send_mail_on_commit(
                territory=territory,
                to=moderation,
                template="actors_pending",
                context={"structure": structure, "url": territory_url(territory, "actors:moderation")},
            )
    index_structure(structure)
    schedule_geocoding(structure)
    return structure


def schedule_geocoding(structure: Structure, *, force: bool = False) -> None:
    """Locate the structure after commit (never waits on the network); the commune centroid meanwhile."""
    if structure.geocoding in (Structure.Geocoding.MANUAL, Structure.Geocoding.SOURCE) and not force:
        return
    if structure.commune is not None and structure.commune.latitude is not None and not structure.is_located:
        Structure.objects.filter(pk=structure.pk).update(
            latitude=structure.commune.latitude,
            longitude=structure.commune.longitude,
            geocoding=Structure.Geocoding.COMMUNE,
        )
        structure.latitude, structure.longitude = structure.commune.latitude, structure.commune.longitude
        structure.geocoding = Structure.Geocoding.COMMUNE
    if structure.address and structure.commune is not None:
        enqueue_on_commit(geocoding.geocode_structure_task, structure.pk)


def _display(value: Any) -> Any:
    if isinstance(value, Commune):
        return value.insee_code
    return value


def _current(structure: Structure, field: str) -> Any:
    if field == "commune":
        return structure.commune.insee_code if structure.commune_id else None
    return getattr(structure, field)


def _apply(structure: Structure, changes: Mapping[str, Any]) -> None:
    for field, value in changes.items():
        if field == "commune":
            structure.commune = Commune.objects.filter(insee_code=value).first() if value else None
        elif field == "sectors":
            continue
        elif field == "logo":
            structure.logo.name = value or ""
        else:
            setattr(structure, field, value)


@transaction.atomic
def update_structure(
    *,
    actor: User,
    structure: Structure,
    data: Mapping[str, Any],
    sectors: Iterable[str] | None = None,
    logo: Any = None,
) -> Structure | EditProposal:
    """Edit a structure. A manager's edit of a published structure waits for the animator when the
    territory moderates managers' edits (returns the `EditProposal`); otherwise it goes live."""
    if not actor.has_perm("actors.change_structure", structure):
        raise PermissionDenied("Seuls les gestionnaires de la structure et l'animation peuvent la modifier.")
    territory = structure.territory
    cleaned = clean_structure_data(territory, {k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    duplicate = find_duplicate(
        territory, siret=cleaned.get("siret", ""), rna=cleaned.get("rna", ""), exclude=structure.pk
    )
    if duplicate is not None:
        raise DuplicateStructure(duplicate)
    changes: dict[str, list[Any]] = {}
    for field, value in cleaned.items():
        old, new = _current(structure, field), _display(value)
        if (old or None) != (new or None):
            changes[field] = [old, new]
    if sectors is not None:
        keys = clean_sectors(sectors)
        if sorted(keys) != sorted(structure.sector_keys):
            changes["sectors"] = [structure.sector_keys, keys]
    if logo is not None:
        stored = structure.logo.storage.save(f"structures/logos/{logo.name}", logo)
        changes["logo"] = [structure.logo.name or None, stored]
    if not changes:
        return structure
    moderated = (
        territory.settings.get("moderate_manager_edits", False)
        and structure.status == Structure.Status.PUBLISHED
        and not _is_animation(actor, territory)
    )
    if moderated:
        proposal = EditProposal.objects.create(structure=structure, author=actor, changes=changes)
        moderation = _moderation_emails(territory)
        if moderation:
            send_mail_on_commit(
                territory=territory,
                to=moderation,
                template="actors_edit_proposal",
                context={"structure": structure, "url": territory_url(territory, "actors:moderation")},
            )
        return proposal
    _commit_changes(
        structure, changes, actor, source="animator" if _is_animation(actor, territory) else "manager"
    )
    return structure


def _commit_changes(
    structure: Structure, changes: Mapping[str, list[Any]], actor: User | None, *, source: str
) -> None:
    new_values = {field: pair[1] for field, pair in changes.items()}
    address_changed = bool(ADDRESS_FIELDS & set(new_values))
    _apply(structure, new_values)
    _mark_provenance(structure, new_values, source)
    if address_changed and structure.geocoding != Structure.Geocoding.MANUAL:
        structure.latitude = structure.longitude = None
        structure.geocoding = Structure.Geocoding.NONE
    structure._history_user = actor
    structure._change_reason = "Modification de la fiche"
    structure.save()
    if "sectors" in new_values:
        _set_sectors(structure, new_values["sectors"])
    index_structure(structure)
    if address_changed:
        schedule_geocoding(structure)


@transaction.atomic
def decide_edit_proposal(*, actor: User, proposal: EditProposal, accept: bool) -> EditProposal:
    if not _is_moderation(actor, proposal.structure.territory):
        raise PermissionDenied("Seule la modération du territoire valide les modifications.")
    proposal = EditProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != Decision.PENDING:
        raise ValidationError("Cette modification a déjà été traitée.")
    if accept:
        structure = Structure.objects.select_for_update().get(pk=proposal.structure_id)
        _commit_changes(structure, proposal.changes, proposal.author, source="manager")
    proposal.status = Decision.ACCEPTED if accept else Decision.REFUSED
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.save()
    author = proposal.author
    if author is not None and author.is_active and author.email:
        structure = proposal.structure
        send_mail_on_commit(
            territory=structure.territory,
            to=author.email,
            template="actors_edit_decision",
            context={
                "structure": structure,
                "accepted": accept,
                "url": territory_url(structure.territory, "actors:detail", slug=structure.slug),
            },
        )
    return proposal


@transaction.atomic
def transition_structure(
    *, actor: User | None, structure: Structure, to_status: str, reason: str = ""
) -> Structure:
    """Move a structure along `TRANSITIONS` (the animation only; a refusal needs a reason, e-mailed)."""
    if actor is not None and not _is_moderation(actor, structure.territory):
        raise PermissionDenied("Seule la modération du territoire modère les fiches.")
    structure = Structure.objects.select_for_update().get(pk=structure.pk)
    from_status = structure.status
    if (from_status, to_status) not in TRANSITIONS:
        target = Structure.Status(to_status).label if to_status in Structure.Status.values else to_status
        raise ValidationError(
            f"Impossible de passer une fiche « {Structure.Status(from_status).label} » à « {target} »."
        )
    reason = (reason or "").strip()
    if to_status == Structure.Status.REFUSED and not reason:
        raise ValidationError({"reason": "Indiquez le motif du refus : il est envoyé aux gestionnaires."})
    structure.status = to_status
    structure.refusal_reason = reason if to_status == Structure.Status.REFUSED else ""
    structure._history_user = actor
    structure._change_reason = TRANSITIONS[(from_status, to_status)]
    structure.save()
    _log_transition(structure, actor, from_status, to_status, reason)
    index_structure(structure)
    for practice in structure.practices.all():
        index_practice(practice)
    managers = _manager_emails(structure)
    if managers and to_status in (Structure.Status.PUBLISHED, Structure.Status.REFUSED):
        send_mail_on_commit(
            territory=structure.territory,
            to=managers,
            template="actors_decision",
            context={
                "structure": structure,
                "published": to_status == Structure.Status.PUBLISHED,
                "reason": reason,
                "url": territory_url(structure.territory, "actors:detail", slug=structure.slug),
            },
        )
    return structure


# --- « demander la gestion d'une fiche » ----------------------------------------------------------------


@transaction.atomic
def request_management(*, actor: User, structure: Structure, message: str = "") -> ManagementRequest:
    if Membership.objects.filter(user=actor, structure=structure, role=Membership.Role.MANAGER).exists():
        raise ValidationError("Vous gérez déjà cette fiche.")
    if ManagementRequest.objects.filter(structure=structure, user=actor, status=Decision.PENDING).exists():
        raise ValidationError("Votre demande est déjà en cours d'examen.")
    request = ManagementRequest.objects.create(
        structure=structure, user=actor, message=message.strip()[:2000]
    )
    # The managers of the record (if any) and the moderation both hear of it; either may decide.
    context = {
        "structure": structure,
        "requester": f"{actor.first_name} {actor.last_name}".strip() or "Une personne inscrite",
        "url": territory_url(structure.territory, "actors:moderation"),
    }
    managers = _manager_emails(structure)
    moderation = [email for email in _moderation_emails(structure.territory) if email not in managers]
    for recipients in (managers, moderation):
        if recipients:
            send_mail_on_commit(
                territory=structure.territory,
                to=recipients,
                template="actors_management_request",
                context=context,
            )
    return request


@transaction.atomic
def decide_management_request(*, actor: User, request: ManagementRequest, accept: bool) -> ManagementRequest:
    structure = request.structure
    if not actor.has_perm("actors.decide_management_request", structure):
        raise PermissionDenied(
            "Seuls les gestionnaires de la fiche et la modération du territoire décident de cette demande."
        )
    request = ManagementRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != Decision.PENDING:
        raise ValidationError("Cette demande a déjà été traitée.")
    request.status = Decision.ACCEPTED if accept else Decision.REFUSED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save()
    if accept:
        _save_membership(
            actor=actor,
            user=request.user,
            structure=structure,
            role=Membership.Role.MANAGER,
            reason="Demande de gestion acceptée",
        )
    send_mail_on_commit(
        territory=structure.territory,
        to=request.user.email,
        template="actors_management_decision",
        context={
            "structure": structure,
            "accepted": accept,
            "url": territory_url(structure.territory, "actors:detail", slug=structure.slug),
        },
    )
    return request


# --- anonymous actions (rate-limited in the views) ------------------------------------------------------


@transaction.atomic
def report_error(*, structure: Structure, message: str) -> ErrorReport:
    text = " ".join((message or "").split())
    if len(text) < 10:
        raise ValidationError({"message": "Décrivez l'erreur en quelques mots (10 caractères au moins)."})
    report = ErrorReport.objects.create(structure=structure, message=text[:2000])
    recipients = _moderation_emails(structure.territory)
    if recipients:
        send_mail_on_commit(
            territory=structure.territory,
            to=recipients,
            template="actors_error_report",
            context={
                "structure": structure,
                "message": report.message,
                "url": territory_url(structure.territory, "actors:moderation"),
            },
        )
    return report


@transaction.atomic
def resolve_error_report(*, actor: User, report: ErrorReport) -> ErrorReport:
    if not _is_moderation(actor, report.structure.territory):
        raise PermissionDenied("Seule la modération du territoire traite les signalements.")
    report.resolved = True
    report.save(update_fields=["resolved"])
    return report


def contact_recipients(structure: Structure) -> list[str]:
    """Where the contact form goes: the public address, else the contact person, else the managers."""
    if structure.public_email:
        return [structure.public_email]
    if structure.contact_email:
        return [structure.contact_email]
    return _manager_emails(structure)


@transaction.atomic
def send_contact_message(*, structure: Structure, sender_name: str, sender_email: str, message: str) -> bool:
    """Forward a visitor's message to the structure (its address never shown). False if it has none."""
    recipients = contact_recipients(structure)
    if not recipients:
        return False
    send_mail_on_commit(
        territory=structure.territory,
        to=recipients,
        template="actors_contact",
        reply_to=sender_email,
        context={
            "structure": structure,
            "sender_name": sender_name,
            "sender_email": sender_email,
            "message": message,
        },
    )
    return True


@transaction.atomic
def set_position(*, structure_id: int, latitude: float, longitude: float, geocoding: str) -> None:
    territory_id = Structure.objects.filter(pk=structure_id).values_list("territory_id", flat=True).first()
    Structure.objects.filter(pk=structure_id).update(
        latitude=latitude, longitude=longitude, geocoding=geocoding
    )
    if territory_id is not None:
        directory_index.structures_changed(territory_id)


# --- practices --------------------------------------------------------------------------------------------


def _clean_practice(title: str, themes: Iterable[str]) -> tuple[str, list[str]]:
    title = " ".join((title or "").split())
    errors = {}
    if not title:
        errors["title"] = "Donnez un titre à la pratique."
    keys = list(dict.fromkeys(themes or []))
    if not keys:
        errors["themes"] = "Choisissez au moins un thème."
    elif any(k not in taxonomy.PRACTICE_THEMES for k in keys):
        errors["themes"] = "Thème inconnu."
    if errors:
        raise ValidationError(errors)
    return title, keys


@transaction.atomic
def save_practice(
    *,
    actor: User | None,
    structure: Structure,
    title: str,
    themes: Iterable[str],
    summary: str = "",
    body: str = "",
    practice: Practice | None = None,
) -> Practice:
    """Create (practice=None) or edit a practice sheet of a structure (its managers or the animation)."""
    if actor is not None and not actor.has_perm("actors.change_structure", structure):
        raise PermissionDenied(
            "Seuls les gestionnaires de la structure et l'animation écrivent ses pratiques."
        )
    title, keys = _clean_practice(title, themes)
    if practice is None:
        practice = Practice(
            structure=structure,
            slug=unique_slug(structure.territory, title, model=Practice, structure=structure),
        )
    practice.title, practice.themes, practice.summary, practice.body = title, keys, summary.strip(), body
    practice.save()
    index_practice(practice)
    index_structure(structure)
    return practice


def _check_can_manage(actor: User | None, structure: Structure) -> None:
    if actor is not None and not actor.has_perm("actors.manage_memberships", structure):
        raise PermissionDenied(
            "Seuls les gestionnaires de la structure et l'animation du territoire peuvent gérer ses membres."
        )


@transaction.atomic
def add_membership(
    *,
    actor: User | None,
    user: User,
    structure: Structure,
    role: str,
    reason: str = "Rattachement à la structure",
) -> Membership:
    """Attach `user` to `structure` with `role`, or change their role. Logged in the membership history."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Ce rôle n'existe pas."})
    _check_can_manage(actor, structure)
    return _save_membership(actor=actor, user=user, structure=structure, role=role, reason=reason)


def _save_membership(
    *, actor: User | None, user: User, structure: Structure, role: str, reason: str
) -> Membership:
    """Write a membership once the caller checked who may (managers, animation, or moderation of a claim)."""
    membership = Membership.objects.select_for_update().filter(user=user, structure=structure).first()
    if membership is not None and membership.role == role:
        return membership
    if membership is None:
        membership = Membership(user=user, structure=structure, role=role)
    else:
        membership.role = role
    membership._history_user = actor
    membership._change_reason = reason
    membership.save()
    user.__dict__.pop("_structure_roles", None)
    return membership


@transaction.atomic
def remove_membership(
    *,
    actor: User | None,
    membership: Membership,
    reason: str = "Fin du rattachement",
    allow_orphan: bool = False,
) -> None:
    """Detach a person from a structure. The last manager cannot leave (the structure would have nobody to
    keep it up to date) unless `allow_orphan`: an erasure hands the structure over first, then forces."""
    _check_can_manage(actor, membership.structure)
    if (
        not allow_orphan
        and membership.role == Membership.Role.MANAGER
        and not Membership.objects.filter(structure_id=membership.structure_id, role=Membership.Role.MANAGER)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(
            "Cette personne est la seule gestionnaire de la structure : confiez d'abord la "
            "gestion à quelqu'un d'autre."
        )
    membership._history_user = actor
    membership._change_reason = reason
    membership.delete()
    membership.user.__dict__.pop("_structure_roles", None)


def territory_animators(structure: Structure, *, excluding: User | None = None) -> list[User]:
    """The animators of the structure's territory, longest-serving first."""
    roles = (
        TerritoryRole.objects.filter(
            territory_id=structure.territory_id, role=TerritoryRole.Role.ANIMATOR, user__is_active=True
        )
        .select_related("user")
        .order_by("created_at", "pk")
    )
    if excluding is not None:
        roles = roles.exclude(user=excluding)
    return [r.user for r in roles]


@transaction.atomic
def hand_over_structure(*, actor: User | None, structure: Structure, leaving: User) -> User | None:
    """Give the management of a structure whose sole manager leaves to an animator of its territory.

    Returns the animator who now manages it, or None when the territory has no other animator (logged as a
    warning: the structure stays without manager until the animation takes it).
    """
    others = Membership.objects.filter(structure=structure, role=Membership.Role.MANAGER).exclude(
        user=leaving
    )
    if others.exists():
        return None
    animators = territory_animators(structure, excluding=leaving)
    if not animators:
        logger.warning(
            "Structure %s (n° %s) left without manager: its territory has no animator.",
            structure.slug,
            structure.pk,
        )
        return None
    animator = animators[0]
    add_membership(
        actor=None,
        user=animator,
        structure=structure,
        role=Membership.Role.MANAGER,
        reason="Gestion confiée à l'animation du territoire : la ou le seul gestionnaire a supprimé "
        "son compte",
    )
    logger.info(
        "Structure %s (n° %s) handed over to animator n° %s.", structure.slug, structure.pk, animator.pk
    )
    return animator


# --- imports (the browser's) -------------------------------------------------------------------------


IMPORT_MAX_BYTES = 2 * 1024**3  # a zipped national Sirene stock file is about 2 GB


@transaction.atomic
def start_import(
    *,
    actor: User,
    territory: Territory,
    kind: str,
    source: str,
    files: list[Any],
    mapping: Mapping[str, str],
) -> ImportBatch:
    """Store the files privately and queue the dry run (the status page follows it)."""
    if not _is_animation(actor, territory):
        raise PermissionDenied("Seule l'animation du territoire importe des structures.")
    if kind not in ImportBatch.Kind.values:
        raise ValidationError({"kind": "Type d'import inconnu."})
    for upload in files:
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError({"file": "Ce fichier dépasse 2 Go."})
        if not upload.name.lower().endswith((".csv", ".xlsx", ".ods", ".zip")):
            raise ValidationError({"file": "Formats acceptés : CSV, XLSX, ODS, ou ZIP pour Sirene."})
    source = " ".join(source.split())[:100]
    if kind == ImportBatch.Kind.TABLE:
        saved = ImportMapping.objects.filter(territory=territory, name=source).first()
        if not mapping and saved is None:
            raise ValidationError({"mapping": "Indiquez la correspondance des colonnes pour cette source."})
        if mapping:
            ImportMapping.objects.update_or_create(
                territory=territory, name=source, defaults={"mapping": mapping}
            )
        else:
            mapping = saved.mapping
    folder = f"private/imports/{uuid.uuid4().hex}"
    names = [default_storage.save(f"{folder}/{safe_name(f.name)}", f) for f in files]
    batch = ImportBatch.objects.create(
        territory=territory,
        kind=kind,
        source=source if kind == ImportBatch.Kind.TABLE else (source or "sirene"),
        files=names,
        mapping=dict(mapping),
        created_by=actor,
    )
    enqueue_on_commit(import_task_ref(), batch.pk)
    return batch


@transaction.atomic
def commit_import(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """After a dry run the animator read, run it for good (same files, same mapping)."""
    if not _is_animation(actor, batch.territory):
        raise PermissionDenied("Seule l'animation du territoire importe des structures.")
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != ImportBatch.State.CHECKED:
        raise ValidationError("Seul un essai terminé peut être importé.")
    batch.commit = True
    batch.state = ImportBatch.State.QUEUED
    batch.save(update_fields=["commit", "state", "updated_at"])
    enqueue_on_commit(import_task_ref(), batch.pk)
    return batch


def import_task_ref() -> Any:
    """The import task (defined in tasks.py, which imports this module)."""
    return import_module("maillage.actors.tasks").run_import_task

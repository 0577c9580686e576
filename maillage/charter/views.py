"""Pages of the charter. Thin: fetch through a scoped read, call one service, render or redirect."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from maillage.actors.models import Membership, Structure
from maillage.charter import services
from maillage.charter.diff import diff_versions, word_diff
from maillage.charter.forms import (
    AmendmentForm,
    ArticleForm,
    CommentForm,
    DecisionForm,
    SignatoryFilterForm,
    SignatureForm,
    TransitionForm,
    VersionForm,
    WithdrawForm,
)
from maillage.charter.models import (
    TRANSITION_LABELS,
    VERSION_TRANSITIONS,
    Amendment,
    Article,
    CharterVersion,
    Signature,
    SignatureStatus,
    VersionStatus,
)
from maillage.charter.pdf import cached_pdf, pdf_response, rate_limited, render_pdf, too_many_response
from maillage.charter.querysets import (
    AmendmentQuerySet,
    SignatureQuerySet,
    VersionQuerySet,
    ceremonies_for,
    charter_of,
    signatories,
    signatory_counts,
)
from maillage.core.exports import export_response


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _require_animator(request: HttpRequest) -> None:
    if not request.user.has_perm("charter.animate", request.territory):
        raise PermissionDenied


def _require_contributor(request: HttpRequest) -> None:
    if not request.user.has_perm("charter.contribute", request.territory):
        raise PermissionDenied


def _version(request: HttpRequest, number: int) -> CharterVersion:
    return get_object_or_404(
        VersionQuerySet.for_user(request.user, request.territory).select_related("charter"), number=number
    )


def _crumbs(*items):
    return [("Accueil", reverse("core:home")), ("Charte", reverse("charter:home")), *items]


# --- public -------------------------------------------------------------------------------------------


def charter_home(request: HttpRequest) -> HttpResponse:
    territory = request.territory
    charter = charter_of(territory)
    versions = list(VersionQuerySet.for_user(request.user, territory).order_by("-number"))
    adopted = next((v for v in versions if v.status == VersionStatus.ADOPTED), None)
    open_version = next((v for v in versions if v.status == VersionStatus.OPEN), None)
    return render(
        request,
        "charter/home.html",
        {
            "charter": charter,
            "version": adopted,
            "articles": adopted.articles.all() if adopted else [],
            "versions": versions,
            "open_version": open_version,
            "counts": signatory_counts(territory),
            "can_animate": request.user.has_perm("charter.animate", territory),
            "breadcrumbs": [("Accueil", reverse("core:home")), ("Charte", None)],
        },
    )


def version_detail(request: HttpRequest, number: int) -> HttpResponse:
    version = _version(request, number)
    can_contribute = request.user.has_perm("charter.contribute", request.territory)
    articles = version.articles.all()
    counts = {}
    if can_contribute:
        for article in articles:
            counts[article.pk] = (article.comments.count(), article.amendments.count())
    rows = [(a, counts.get(a.pk, (0, 0))) for a in articles]
    previous = (
        VersionQuerySet.for_user(request.user, request.territory)
        .filter(number__lt=version.number)
        .order_by("-number")
        .first()
    )
    return render(
        request,
        "charter/version.html",
        {
            "version": version,
            "rows": rows,
            "previous": previous,
            "can_contribute": can_contribute,
            "transitions": version.transitions.all(),
            "breadcrumbs": _crumbs((f"Version {version.number}", None)),
        },
    )


def version_diff(request: HttpRequest) -> HttpResponse:
    versions = list(VersionQuerySet.for_user(request.user, request.territory).order_by("number"))
    by_number = {v.number: v for v in versions}
    error = ""
    old = new = None
    diff = []
    try:
        a = int(request.GET.get("de", "0") or 0)
        b = int(request.GET.get("a", "0") or 0)
    except ValueError:
        a = b = 0
        error = "Choisissez deux versions de la charte à comparer."
    if not a and not b and len(versions) >= 2:
        a, b = versions[-2].number, versions[-1].number
    if a or b:
        old, new = by_number.get(a), by_number.get(b)
        if old is None or new is None:
            error = "Cette version de la charte n'existe pas."
            old = new = None
        elif old == new:
            error = "Choisissez deux versions différentes."
            old = new = None
        else:
            diff = diff_versions(list(old.articles.all()), list(new.articles.all()))
    return render(
        request,
        "charter/diff.html",
        {
            "versions": versions,
            "old": old,
            "new": new,
            "diff": diff,
            "error": error,
            "added": sum(d.words_added for d in diff),
            "removed": sum(d.words_removed for d in diff),
            "breadcrumbs": _crumbs(("Comparer deux versions", None)),
        },
    )


def version_pdf(request: HttpRequest, number: int) -> HttpResponse:
    version = _version(request, number)
    if rate_limited(request):
        return too_many_response()
    frozen = version.status in (VersionStatus.ADOPTED, VersionStatus.SUPERSEDED)
    data = cached_pdf(
        f"charter:pdf:version:{version.pk}:{version.status}" if frozen else None,
        lambda: render_pdf(
            "charter/pdf_charter.html",
            {"version": version, "articles": version.articles.all(), "territory": request.territory},
            base_url=request.territory.absolute_url("/"),
        ),
    )
    return pdf_response(data, f"charte-v{version.number}.pdf")


def signatory_list(request: HttpRequest) -> HttpResponse:
    territory = request.territory
    communes = (
        Structure.objects.filter(territory=territory, charter_signatures__status=SignatureStatus.ACTIVE)
        .exclude(commune=None)
        .values_list("commune__insee_code", "commune__name")
        .distinct()
        .order_by("commune__name")
    )
    form = SignatoryFilterForm(request.GET or None, communes=list(communes))
    filters = form.cleaned_data if form.is_valid() else {}
    rows = signatories(
        territory,
        family=filters.get("family", ""),
        commune=filters.get("commune", ""),
        status=filters.get("status", ""),
        q=filters.get("q", ""),
    )
    points = [
        {
            "name": r.structure.name,
            "url": reverse("charter:structure", kwargs={"slug": r.structure.slug}),
            "lat": r.structure.commune.latitude,
            "lng": r.structure.commune.longitude,
            "version": r.latest.version.number,
        }
        for r in rows
        if r.structure.commune and r.structure.commune.latitude is not None
    ]
    return render(
        request,
        "charter/signatories.html",
        {
            "rows": rows,
            "counts": signatory_counts(territory, rows),
            "form": form,
            "points": points,
            "adopted": VersionQuerySet.adopted(territory),
            "tiles_url": settings.MAILLAGE_MAP_TILES_URL,
            "tiles_attribution": settings.MAILLAGE_MAP_TILES_ATTRIBUTION,
            "breadcrumbs": _crumbs(("Signataires", None)),
        },
    )


def signatory_csv(request: HttpRequest) -> HttpResponse:
    rows = signatories(request.territory)
    return export_response(
        headers=[
            "Structure",
            "Commune",
            "Dernière version signée",
            "Version en vigueur signée",
            "Date de signature",
            "Nom de la personne qui a signé",
            "Fonction",
        ],
        rows=(
            [
                r.structure.name,
                r.structure.commune.name if r.structure.commune else "",
                r.latest.version.number,
                "oui" if r.is_current else "non",
                r.latest.signed_on,
                r.latest.signer_name,
                r.latest.signer_role,
            ]
            for r in rows
        ),
        filename="signataires-charte",
        fmt="csv",
        title="Signataires",
    )


def structure_history(request: HttpRequest, slug: str) -> HttpResponse:
    structure = get_object_or_404(
        Structure, territory=request.territory, slug=slug, status=Structure.Status.PUBLISHED
    )
    signatures = (
        SignatureQuerySet.public(request.territory)
        .filter(structure=structure)
        .order_by("-version__number", "-signed_on", "-pk")
    )
    can_withdraw = request.user.has_perm("charter.withdraw_for", structure)
    adopted = VersionQuerySet.adopted(request.territory)
    signatures = list(signatures)
    return render(
        request,
        "charter/structure.html",
        {
            "structure": structure,
            "signatures": signatures,
            "adopted": adopted,
            "signed_current": adopted is not None
            and any(s.is_active and s.version_id == adopted.pk for s in signatures),
            "can_withdraw": can_withdraw,
            "breadcrumbs": _crumbs(("Signataires", reverse("charter:signatories")), (structure.name, None)),
        },
    )


def certificate_pdf(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    signature = get_object_or_404(
        SignatureQuerySet.public(request.territory).select_related("structure__commune", "ceremony"),
        structure__slug=slug,
        version__number=number,
        status=SignatureStatus.ACTIVE,
    )
    if rate_limited(request):
        return too_many_response()
    # Not cached: it holds the signer's name, which an erasure must be able to remove everywhere.
    data = render_pdf(
        "charter/pdf_certificate.html",
        {
            "signature": signature,
            "territory": request.territory,
            "today": timezone.localdate(),
            "ceremony_day": timezone.localdate(signature.ceremony.start) if signature.ceremony else None,
            "ceremony_url": (
                request.territory.absolute_url(reverse("events:detail", args=[signature.ceremony.slug]))
                if signature.ceremony
                else ""
            ),
        },
        base_url=request.territory.absolute_url("/"),
    )
    return pdf_response(data, f"attestation-charte-v{number}-{slug}.pdf")


# --- signing ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, number: int) -> HttpResponse:
    version = _version(request, number)
    managed = Structure.objects.filter(
        territory=request.territory,
        memberships__user=request.user,
        memberships__role=Membership.Role.MANAGER,
    ).distinct()
    already = set(
        Signature.objects.filter(
            version=version, status=SignatureStatus.ACTIVE, structure__in=managed
        ).values_list("structure_id", flat=True)
    )
    available = managed.exclude(pk__in=already)
    initial = {"signer_name": f"{request.user.first_name} {request.user.last_name}".strip()}
    wanted = request.GET.get("structure")
    if wanted:
        initial["structure"] = available.filter(slug=wanted).first()
    form = SignatureForm(
        request.POST or None, structures=available, ceremonies=ceremonies_for(version), initial=initial
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.sign_charter(
                    actor=request.user,
                    version=version,
                    structure=data["structure"],
                    signer_name=data["signer_name"],
                    signer_role=data["signer_role"],
                    commitment=data["commitment"],
                    ceremony=data.get("ceremony"),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Merci : {data['structure'].name} a signé la version {version.number} de la charte.",
                )
                return redirect("charter:structure", slug=data["structure"].slug)
        elif version.status != VersionStatus.ADOPTED:
            form.add_error(
                None, f"La version {version.number} n'est pas adoptée : elle ne peut pas être signée."
            )
    return render(
        request,
        "charter/sign.html",
        {
            "version": version,
            "form": form,
            "managed_count": managed.count(),
            "signed": managed.filter(pk__in=already),
            "breadcrumbs": _crumbs(
                (f"Version {version.number}", reverse("charter:version", args=[number])), ("Signer", None)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    signature = get_object_or_404(
        Signature.objects.select_related("structure", "version"),
        pk=pk,
        version__charter__territory=request.territory,
    )
    if not request.user.has_perm("charter.withdraw_for", signature.structure):
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_signature(
                actor=request.user, signature=signature, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "La signature a été retirée.")
            return redirect("charter:structure", slug=signature.structure.slug)
    return render(
        request,
        "charter/withdraw.html",
        {
            "signature": signature,
            "form": form,
            "breadcrumbs": _crumbs(
                ("Signataires", reverse("charter:signatories")),
                (signature.structure.name, reverse("charter:structure", args=[signature.structure.slug])),
                ("Retirer la signature", None),
            ),
        },
    )


# --- animation ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    _require_animator(request)
    form = VersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.create_version(
                actor=request.user, territory=request.territory, title=form.cleaned_data["title"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"La version {version.number} a été créée (brouillon).")
            return redirect("charter:version_edit", number=version.number)
    versions = VersionQuerySet.for_user(request.user, request.territory).order_by("-number")
    return render(
        request,
        "charter/manage.html",
        {
            "versions": versions,
            "form": form,
            "working": VersionQuerySet.working(request.territory),
            "breadcrumbs": _crumbs(("Gérer la charte", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def version_edit(request: HttpRequest, number: int) -> HttpResponse:
    _require_animator(request)
    version = _version(request, number)
    version_form = VersionForm(
        request.POST if request.POST.get("form") == "version" else None,
        initial={"title": version.title, "preamble": version.preamble},
        prefix="version",
    )
    article_form = ArticleForm(
        request.POST if request.POST.get("form") == "article" else None, prefix="article"
    )
    if request.method == "POST":
        try:
            if request.POST.get("form") == "version" and version_form.is_valid():
                services.update_version(actor=request.user, version=version, **version_form.cleaned_data)
                messages.success(request, "La version a été enregistrée.")
                return redirect("charter:version_edit", number=number)
            if request.POST.get("form") == "article" and article_form.is_valid():
                services.save_article(actor=request.user, version=version, **article_form.cleaned_data)
                messages.success(request, "L'article a été ajouté.")
                return redirect("charter:version_edit", number=number)
        except ValidationError as exc:
            _add_errors(version_form if request.POST.get("form") == "version" else article_form, exc)
    return render(
        request,
        "charter/version_edit.html",
        {
            "version": version,
            "version_form": version_form,
            "article_form": article_form,
            "editable": version.status in (VersionStatus.DRAFT, VersionStatus.OPEN),
            "transitions": [
                (s, TRANSITION_LABELS[s])
                for s in VERSION_TRANSITIONS[version.status]
                if s != VersionStatus.SUPERSEDED
            ],
            "pending_amendments": Amendment.objects.filter(
                article__version=version, status="proposed"
            ).count(),
            "breadcrumbs": _crumbs(
                ("Gérer la charte", reverse("charter:manage")), (f"Version {number}", None)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_animator(request)
    article = get_object_or_404(
        Article.objects.select_related("version__charter"),
        pk=pk,
        version__charter__territory=request.territory,
    )
    version = article.version
    form = ArticleForm(
        request.POST if request.POST.get("action") != "delete" else None,
        initial={"title": article.title, "body": article.body, "position": article.position},
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "delete":
                services.delete_article(actor=request.user, article=article)
                messages.success(request, "L'article a été supprimé.")
                return redirect("charter:version_edit", number=version.number)
            if form.is_valid():
                services.save_article(
                    actor=request.user, version=version, article=article, **form.cleaned_data
                )
                messages.success(request, "L'article a été enregistré.")
                return redirect("charter:version_edit", number=version.number)
        except ValidationError as exc:
            _add_errors(form, exc)
    return render(
        request,
        "charter/article_edit.html",
        {
            "article": article,
            "form": form,
            "editable": version.status in (VersionStatus.DRAFT, VersionStatus.OPEN),
            "breadcrumbs": _crumbs(
                ("Gérer la charte", reverse("charter:manage")),
                (f"Version {version.number}", reverse("charter:version_edit", args=[version.number])),
                (article.title, None),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def transition(request: HttpRequest, number: int, to: str) -> HttpResponse:
    _require_animator(request)
    version = _version(request, number)
    if to not in TRANSITION_LABELS or to == VersionStatus.SUPERSEDED:
        raise Http404
    form = TransitionForm(request.POST or None)
    allowed = to in VERSION_TRANSITIONS[version.status]
    if request.method == "POST" and form.is_valid():
        try:
            services.transition_version(
                actor=request.user, version=version, to_status=to, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, f"La version {version.number} est maintenant « {VersionStatus(to).label} »."
            )
            return redirect("charter:version_edit", number=number)
    return render(
        request,
        "charter/transition.html",
        {
            "version": version,
            "form": form,
            "allowed": allowed,
            "label": TRANSITION_LABELS[to],
            "to": to,
            "previous_signatures": Signature.objects.filter(
                version__charter=version.charter,
                version__status=VersionStatus.ADOPTED,
                status=SignatureStatus.ACTIVE,
            ).count()
            if to == VersionStatus.ADOPTED
            else 0,
            "breadcrumbs": _crumbs(
                ("Gérer la charte", reverse("charter:manage")),
                (f"Version {number}", reverse("charter:version_edit", args=[number])),
                (TRANSITION_LABELS[to], None),
            ),
        },
    )


# --- collective writing -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def article_discussion(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    _require_contributor(request)
    version = _version(request, number)
    article = get_object_or_404(version.articles, pk=pk)
    action = request.POST.get("form")
    comment_form = CommentForm(request.POST if action == "comment" else None, prefix="comment")
    amendment_form = AmendmentForm(
        request.POST if action == "amendment" else None, prefix="amendment", initial={"text": article.body}
    )
    if request.method == "POST":
        try:
            if action == "comment" and comment_form.is_valid():
                services.comment_article(
                    actor=request.user, article=article, body=comment_form.cleaned_data["body"]
                )
                messages.success(request, "Votre commentaire a été publié.")
                return redirect("charter:article", number=number, pk=pk)
            if action == "amendment" and amendment_form.is_valid():
                amendment = services.propose_amendment(
                    actor=request.user, version=version, article_id=article.pk, **amendment_form.cleaned_data
                )
                messages.success(request, "Votre amendement a été proposé.")
                return redirect("charter:amendment", pk=amendment.pk)
        except ValidationError as exc:
            _add_errors(comment_form if action == "comment" else amendment_form, exc)
    return render(
        request,
        "charter/article.html",
        {
            "version": version,
            "article": article,
            "comments": article.comments.select_related("author"),
            "amendments": article.amendments.select_related("author"),
            "comment_form": comment_form,
            "amendment_form": amendment_form,
            "is_open": version.status == VersionStatus.OPEN,
            "breadcrumbs": _crumbs(
                (f"Version {number}", reverse("charter:version", args=[number])), (article.title, None)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def amendment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_contributor(request)
    amendment = get_object_or_404(
        AmendmentQuerySet.for_user(request.user, request.territory).select_related(
            "article__version", "author"
        ),
        pk=pk,
    )
    version = amendment.article.version
    can_animate = request.user.has_perm("charter.animate", request.territory)
    form = DecisionForm(request.POST if request.POST.get("form") == "decision" else None)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "support":
                services.support_amendment(actor=request.user, amendment=amendment)
                messages.success(request, "Votre soutien a été enregistré.")
                return redirect("charter:amendment", pk=pk)
            if request.POST.get("form") == "decision":
                if not can_animate:
                    raise PermissionDenied
                if form.is_valid():
                    if form.cleaned_data["decision"] == "accept":
                        services.accept_amendment(
                            actor=request.user, amendment=amendment, reason=form.cleaned_data["reason"]
                        )
                        messages.success(
                            request, "L'amendement est accepté : son texte est entré dans la version."
                        )
                    else:
                        services.reject_amendment(
                            actor=request.user, amendment=amendment, reason=form.cleaned_data["reason"]
                        )
                        messages.success(
                            request, "L'amendement est rejeté ; son auteur ou autrice est prévenu."
                        )
                    return redirect("charter:amendment", pk=pk)
        except ValidationError as exc:
            if request.POST.get("form") == "decision":
                _add_errors(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("charter:amendment", pk=pk)
    segments, added, removed = word_diff(amendment.original_text, amendment.text)
    return render(
        request,
        "charter/amendment.html",
        {
            "amendment": amendment,
            "version": version,
            "segments": segments,
            "added": added,
            "removed": removed,
            "supports": amendment.supports.count(),
            "supported": amendment.supports.filter(user=request.user).exists(),
            "can_animate": can_animate,
            "form": form,
            "is_open": version.status == VersionStatus.OPEN,
            "breadcrumbs": _crumbs(
                (f"Version {version.number}", reverse("charter:version", args=[version.number])),
                (
                    amendment.article.title,
                    reverse("charter:article", args=[version.number, amendment.article_id]),
                ),
                (f"Amendement n° {amendment.pk}", None),
            ),
        },
    )

"""Pages of the workspace: ateliers, discussions, « échanges », moderation. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from maillage.core.search import search
from maillage.core.uploads import private_file_response
from maillage.events.models import Event
from maillage.workspace import querysets, services
from maillage.workspace.forms import (
    AtelierForm,
    DocumentForm,
    EditPostForm,
    ExchangeForm,
    LinkMeetingForm,
    MeetingForm,
    MinutesForm,
    ModerateForm,
    NewsFeedForm,
    NewsItemForm,
    ReplyForm,
    ReportForm,
    ThreadForm,
    VersionForm,
)
from maillage.workspace.models import (
    AbuseReport,
    AtelierMeeting,
    AtelierMember,
    Document,
    DocumentVersion,
    NewsFeed,
    NewsItem,
    Post,
    Thread,
)


def _territory(request: HttpRequest):
    territory = getattr(request, "territory", None)
    if territory is None:
        raise Http404("Aucun territoire n'est servi à cette adresse.")
    return territory


def _form_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _atelier(request: HttpRequest, slug: str):
    return get_object_or_404(querysets.ateliers(_territory(request)), slug=slug)


def _readable_thread(request: HttpRequest, pk: int) -> Thread:
    territory = _territory(request)
    thread = get_object_or_404(Thread.objects.filter(territory=territory).select_related("atelier"), pk=pk)
    if not querysets.can_read_thread(request.user, thread):
        raise PermissionDenied("Cette discussion est réservée à ses participants.")
    return thread


# --- ateliers --------------------------------------------------------------------------------------------


def atelier_list(request: HttpRequest) -> HttpResponse:
    territory = _territory(request)
    ateliers = querysets.ateliers(territory).prefetch_related("members__user")
    mine = set()
    if request.user.is_authenticated:
        mine = set(
            AtelierMember.objects.filter(user=request.user, status="active").values_list(
                "atelier_id", flat=True
            )
        )
    return render(
        request,
        "workspace/atelier_list.html",
        {
            "ateliers": ateliers,
            "mine": mine,
            "can_create": querysets.is_staff_of(request.user, territory),
            "is_territory_member": querysets.is_territory_member(request.user, territory),
        },
    )


@login_required
def atelier_create(request: HttpRequest) -> HttpResponse:
    territory = _territory(request)
    if not querysets.is_staff_of(request.user, territory):
        raise PermissionDenied("Seule l'équipe d'animation crée les ateliers.")
    form = AtelierForm(request.POST or None, initial={"policy": "open"})
    if request.method == "POST" and form.is_valid():
        try:
            atelier = services.create_atelier(actor=request.user, territory=territory, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "L'atelier est créé.")
            return redirect("workspace:atelier", slug=atelier.slug)
    return render(request, "workspace/atelier_form.html", {"form": form})


def atelier_detail(request: HttpRequest, slug: str) -> HttpResponse:
    atelier = _atelier(request, slug)
    membership = querysets.membership_of(request.user, atelier)
    can_read = querysets.can_read_atelier(request.user, atelier)
    active = atelier.members.filter(status=AtelierMember.Status.ACTIVE).select_related("user")
    return render(
        request,
        "workspace/atelier_detail.html",
        {
            "atelier": atelier,
            "membership": membership,
            "can_read": can_read,
            "can_coordinate": querysets.can_coordinate(request.user, atelier),
            "can_join": querysets.is_territory_member(request.user, atelier.territory),
            "coordinators": [m.user for m in active if m.role == AtelierMember.Role.COORDINATOR],
            "member_count": len(active),
            "threads": atelier.threads.select_related("author")[:30] if can_read else [],
            "upcoming_meetings": querysets.meetings(atelier, upcoming=True),
            "past_meetings": querysets.meetings(atelier, upcoming=False)[:20],
            "plan_nodes": querysets.plan_nodes_for(atelier),
        },
    )


@login_required
@require_POST
def atelier_join(request: HttpRequest, slug: str) -> HttpResponse:
    atelier = _atelier(request, slug)
    if request.POST.get("action") == "leave":
        services.leave_atelier(actor=request.user, atelier=atelier)
        messages.success(request, "Vous avez quitté l'atelier.")
        return redirect("workspace:atelier", slug=slug)
    try:
        member = services.join_atelier(actor=request.user, atelier=atelier)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        if member.status == AtelierMember.Status.PENDING:
            messages.success(request, "Votre demande est envoyée à la coordination de l'atelier.")
        else:
            messages.success(request, "Bienvenue dans l'atelier !")
    return redirect("workspace:atelier", slug=slug)


@login_required
def atelier_members(request: HttpRequest, slug: str) -> HttpResponse:
    atelier = _atelier(request, slug)
    if not querysets.can_read_atelier(request.user, atelier):
        raise PermissionDenied("La liste des membres est réservée aux membres de l'atelier.")
    members = atelier.members.select_related("user").prefetch_related("user__memberships__structure")
    return render(
        request,
        "workspace/atelier_members.html",
        {
            "atelier": atelier,
            "active": [m for m in members if m.status == AtelierMember.Status.ACTIVE],
            "pending": [m for m in members if m.status == AtelierMember.Status.PENDING],
            "can_coordinate": querysets.can_coordinate(request.user, atelier),
        },
    )


@login_required
@require_POST
def member_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    atelier = _atelier(request, slug)
    if not querysets.can_coordinate(request.user, atelier):
        raise PermissionDenied("Seuls les coordinateurs de l'atelier et l'équipe d'animation décident.")
    member = get_object_or_404(atelier.members, pk=pk)
    action = request.POST.get("action")
    try:
        if action in ("accept", "refuse"):
            services.decide_membership(actor=request.user, member=member, accept=action == "accept")
        elif action in ("coordinator", "member"):
            services.set_member_role(actor=request.user, member=member, role=action)
        else:
            raise ValidationError("Action inconnue.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "C'est enregistré.")
    return redirect("workspace:members", slug=slug)


# --- discussions -----------------------------------------------------------------------------------------


@login_required
def thread_create(request: HttpRequest, slug: str) -> HttpResponse:
    atelier = _atelier(request, slug)
    if not querysets.can_read_atelier(request.user, atelier):
        raise PermissionDenied("Seuls les membres de l'atelier y ouvrent des discussions.")
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.create_thread(
                actor=request.user, territory=atelier.territory, atelier=atelier, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect("workspace:thread", pk=thread.pk)
    return render(request, "workspace/thread_form.html", {"form": form, "atelier": atelier})


@login_required
def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _readable_thread(request, pk)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.reply_to_thread(actor=request.user, thread=thread, body=form.cleaned_data["body"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect(f"{request.path}#message-{post.pk}")
    posts = thread.posts.select_related("author").prefetch_related(
        "author__memberships__structure", "revisions"
    )
    return render(
        request,
        "workspace/thread_detail.html",
        {
            "thread": thread,
            "posts": posts,
            "form": form,
            "can_moderate": querysets.can_moderate_thread(request.user, thread),
        },
    )


def _own_post(request: HttpRequest, pk: int) -> Post:
    post = get_object_or_404(
        querysets.posts_for(request.user, _territory(request)).select_related("thread"), pk=pk
    )
    return post


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = _own_post(request, pk)
    if post.author_id != request.user.pk:
        raise PermissionDenied("Seule la personne qui a écrit ce message peut le modifier.")
    form = EditPostForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(actor=request.user, post=post, body=form.cleaned_data["body"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect(f"/ateliers/discussions/{post.thread_id}/#message-{post.pk}")
    return render(request, "workspace/post_edit.html", {"form": form, "post": post})


@login_required
def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    post = _own_post(request, pk)
    return render(request, "workspace/post_history.html", {"post": post, "revisions": post.revisions.all()})


@login_required
def post_report(request: HttpRequest, pk: int) -> HttpResponse:
    post = _own_post(request, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_post(actor=request.user, post=post, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Merci : la modération a été prévenue.")
            return redirect("workspace:thread", pk=post.thread_id)
    return render(request, "workspace/post_report.html", {"form": form, "post": post})


@login_required
def post_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    post = _own_post(request, pk)
    if not querysets.can_moderate_thread(request.user, post.thread):
        raise PermissionDenied("Seuls les coordinateurs de l'atelier et l'équipe d'animation modèrent.")
    form = ModerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.moderate_post(
                actor=request.user,
                post=post,
                hide=request.POST.get("action") != "show",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Décision de modération enregistrée.")
            return redirect("workspace:thread", pk=post.thread_id)
    return render(request, "workspace/post_moderate.html", {"form": form, "post": post})


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    territory = _territory(request)
    if not querysets.is_staff_of(request.user, territory):
        raise PermissionDenied("Réservé à la modération du territoire.")
    open_reports = AbuseReport.objects.filter(
        post__thread__territory=territory, outcome=AbuseReport.Outcome.OPEN
    ).select_related("post__thread", "reporter")
    return render(request, "workspace/reports.html", {"reports": open_reports})


@login_required
@require_POST
def report_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    territory = _territory(request)
    report = get_object_or_404(AbuseReport.objects.filter(post__thread__territory=territory), pk=pk)
    try:
        services.dismiss_report(actor=request.user, report=report)
    except PermissionDenied:
        raise
    messages.success(request, "Signalement classé sans suite.")
    return redirect("workspace:reports")


# --- échanges --------------------------------------------------------------------------------------------


def _exchange_member(request: HttpRequest):
    territory = _territory(request)
    if not querysets.is_territory_member(request.user, territory):
        raise PermissionDenied("Les échanges sont réservés aux membres des structures du territoire.")
    return territory


@login_required
def exchanges(request: HttpRequest) -> HttpResponse:
    territory = _exchange_member(request)
    kind = request.GET.get("type", "")
    qs = Thread.objects.filter(territory=territory, atelier__isnull=True).select_related("author")
    if kind in (Thread.Kind.SEEK, Thread.Kind.OFFER):
        qs = qs.filter(kind=kind)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "workspace/exchanges.html", {"page": page, "kind": kind})


@login_required
def exchange_create(request: HttpRequest) -> HttpResponse:
    territory = _exchange_member(request)
    form = ExchangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.create_thread(
                actor=request.user, territory=territory, atelier=None, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect("workspace:thread", pk=thread.pk)
    return render(request, "workspace/thread_form.html", {"form": form, "atelier": None})


# --- news watch ------------------------------------------------------------------------------------------


def news(request: HttpRequest) -> HttpResponse:
    territory = _territory(request)
    qs = NewsItem.objects.filter(territory=territory)
    query = (request.GET.get("q") or "").strip()[:200]
    tag = (request.GET.get("tag") or "").strip().lower()[:50]
    if query:
        ids = search(territory, query, kinds=["news"], limit=200).ids("news")
        qs = qs.filter(pk__in=ids)
    if tag:
        qs = qs.filter(tags_text__contains=f",{tag},")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    tags = sorted(
        {
            t
            for ts in NewsItem.objects.filter(territory=territory).values_list("tags", flat=True)[:500]
            for t in ts
        }
    )
    return render(
        request,
        "workspace/news.html",
        {
            "page": page,
            "query": query,
            "tag": tag,
            "tags": tags,
            "can_post": querysets.is_territory_member(request.user, territory),
            "can_pick": querysets.is_staff_of(request.user, territory),
        },
    )


@login_required
def news_create(request: HttpRequest) -> HttpResponse:
    territory = _exchange_member(request)
    form = NewsItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_news_item(actor=request.user, territory=territory, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Merci : l'article est ajouté à la veille.")
            return redirect("workspace:news")
    return render(request, "workspace/news_form.html", {"form": form})


@login_required
@require_POST
def news_pick(request: HttpRequest, pk: int) -> HttpResponse:
    territory = _territory(request)
    item = get_object_or_404(NewsItem.objects.filter(territory=territory), pk=pk)
    services.pick_news_item(actor=request.user, item=item, picked=request.POST.get("picked") == "1")
    messages.success(
        request,
        "Article retenu pour la prochaine lettre." if item.picked_at else "Article retiré de la lettre.",
    )
    return redirect(
        request.POST.get("next")
        if url_has_allowed_host_and_scheme(request.POST.get("next"), allowed_hosts={request.get_host()})
        else "workspace:news"
    )


@login_required
def news_feeds(request: HttpRequest) -> HttpResponse:
    territory = _territory(request)
    if not querysets.is_staff_of(request.user, territory):
        raise PermissionDenied("Réservé à l'équipe d'animation.")
    form = NewsFeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_news_feed(actor=request.user, territory=territory, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, "Flux ajouté : il sera lu dans l'heure (ou tout de suite avec « Lire maintenant »)."
            )
            return redirect("workspace:feeds")
    return render(
        request, "workspace/feeds.html", {"form": form, "feeds": NewsFeed.objects.filter(territory=territory)}
    )


@login_required
@require_POST
def news_feed_import(request: HttpRequest, pk: int) -> HttpResponse:
    territory = _territory(request)
    if not querysets.is_staff_of(request.user, territory):
        raise PermissionDenied("Réservé à l'équipe d'animation.")
    feed = get_object_or_404(NewsFeed.objects.filter(territory=territory), pk=pk)
    count = services.import_news_feed(feed=feed)
    feed.refresh_from_db()
    if feed.last_error:
        messages.error(request, f"Le flux « {feed.title} » n'a pas pu être lu : {feed.last_error}")
    else:
        messages.success(request, f"{count} nouvel(s) article(s) importé(s) depuis « {feed.title} ».")
    return redirect("workspace:feeds")


# --- documents -------------------------------------------------------------------------------------------


def _member_atelier(request: HttpRequest, slug: str):
    atelier = _atelier(request, slug)
    if not querysets.can_read_atelier(request.user, atelier):
        raise PermissionDenied("Les documents de l'atelier sont réservés à ses membres.")
    return atelier


@login_required
def documents(request: HttpRequest, slug: str) -> HttpResponse:
    atelier = _member_atelier(request, slug)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.upload_document(actor=request.user, atelier=atelier, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Document déposé.")
            return redirect("workspace:document", pk=document.pk)
    docs = atelier.documents.prefetch_related("versions")
    return render(request, "workspace/documents.html", {"atelier": atelier, "documents": docs, "form": form})


def _readable_document(request: HttpRequest, pk: int) -> Document:
    territory = _territory(request)
    document = get_object_or_404(
        Document.objects.filter(atelier__territory=territory).select_related("atelier"), pk=pk
    )
    if not querysets.can_read_atelier(request.user, document.atelier):
        raise PermissionDenied("Les documents de l'atelier sont réservés à ses membres.")
    return document


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _readable_document(request, pk)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_document_version(actor=request.user, document=document, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Nouvelle version déposée.")
            return redirect("workspace:document", pk=document.pk)
    versions = document.versions.select_related("uploaded_by")
    return render(
        request,
        "workspace/document_detail.html",
        {
            "document": document,
            "versions": versions,
            "form": form,
            "downloads": sum(v.download_count for v in versions),
        },
    )


@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    territory = _territory(request)
    version = get_object_or_404(
        DocumentVersion.objects.filter(document__atelier__territory=territory).select_related(
            "document__atelier"
        ),
        pk=pk,
    )
    if not querysets.can_read_atelier(request.user, version.document.atelier):
        raise PermissionDenied("Les documents de l'atelier sont réservés à ses membres.")
    services.record_download(version=version)
    return private_file_response(
        version.file.open("rb"), version.original_name, content_type=version.content_type
    )


@login_required
def meetings(request: HttpRequest, slug: str) -> HttpResponse:
    """Create a meeting of the atelier in the agenda, or link an existing event of the territory."""
    atelier = _atelier(request, slug)
    if not querysets.can_coordinate(request.user, atelier):
        raise PermissionDenied("Seuls la coordination de l'atelier et l'animation du territoire le peuvent.")
    choices = querysets.linkable_events(atelier)
    action = request.POST.get("action") if request.method == "POST" else None
    form = MeetingForm(request.POST if action == "create" else None, prefix="new")
    link_form = LinkMeetingForm(request.POST if action == "link" else None, choices=choices, prefix="link")
    if action == "create" and form.is_valid():
        try:
            meeting = services.create_meeting(actor=request.user, atelier=atelier, **form.event_fields())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"La réunion « {meeting.event.title} » est annoncée dans l'agenda.")
            return redirect("workspace:atelier", slug=slug)
    if action == "link" and link_form.is_valid():
        event = get_object_or_404(
            Event.objects.filter(territory=atelier.territory), pk=link_form.cleaned_data["event"]
        )
        try:
            services.link_meeting(actor=request.user, atelier=atelier, event=event)
        except ValidationError as error:
            _form_errors(link_form, error)
        else:
            messages.success(request, f"« {event.title} » est rattaché à l'atelier.")
            return redirect("workspace:atelier", slug=slug)
    return render(
        request,
        "workspace/meetings.html",
        {"atelier": atelier, "form": form, "link_form": link_form, "has_choices": bool(choices)},
    )


@login_required
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        AtelierMeeting.objects.select_related("atelier", "event").filter(
            atelier__in=querysets.ateliers(_territory(request))
        ),
        pk=pk,
    )
    if not querysets.can_coordinate(request.user, meeting.atelier):
        raise PermissionDenied("Seuls la coordination de l'atelier et l'animation du territoire le peuvent.")
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_minutes(actor=request.user, meeting=meeting, minutes=form.cleaned_data["minutes"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Le compte rendu est enregistré.")
            return redirect(f"/ateliers/{meeting.atelier.slug}/#reunion-{meeting.pk}")
    history = [
        h
        for h in meeting.history.select_related("minutes_author").order_by("-history_date")[:20]
        if h.minutes
    ]
    return render(
        request, "workspace/meeting_minutes.html", {"meeting": meeting, "form": form, "history": history}
    )

"""Every write of the workspace: ateliers and their members, discussions, moderation.

Every function is `verb_noun(*, actor, ...)`, runs in one transaction and raises a French
`ValidationError` (or `PermissionDenied`) on bad input, changing nothing. Notifications are queued on
commit through `maillage.workspace.notify`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from maillage.core.models import Territory
from maillage.core.search import index_document
from maillage.core.text import render_markdown
from maillage.core.uploads import CleanUpload, clean_upload
from maillage.events import services as event_services
from maillage.events.models import Event
from maillage.events.models import Kind as EventKind
from maillage.events.models import Status as EventStatus
from maillage.workspace import feeds, notify, querysets
from maillage.workspace.mentions import render_body
from maillage.workspace.models import (
    MEMBER_TRANSITIONS,
    AbuseReport,
    Atelier,
    AtelierMeeting,
    AtelierMember,
    AtelierMemberTransition,
    Document,
    DocumentVersion,
    Mention,
    NewsFeed,
    NewsItem,
    Post,
    PostRevision,
    Thread,
)

MAX_BODY = 20_000


# --- ateliers ------------------------------------------------------------------------------------------


@transaction.atomic
def create_atelier(
    *, actor: Any, territory: Territory, name: str, purpose: str = "", policy: str = Atelier.Policy.OPEN
) -> Atelier:
    if not querysets.is_staff_of(actor, territory):
        raise PermissionDenied("Seule l'équipe d'animation crée les ateliers.")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Donnez un nom à l'atelier."})
    if policy not in Atelier.Policy.values:
        raise ValidationError({"policy": "Choisissez un mode d'adhésion dans la liste."})
    base = slugify(name)[:180] or "atelier"
    slug, n = base, 2
    while Atelier.objects.filter(territory=territory, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    atelier = Atelier.objects.create(
        territory=territory, name=name, slug=slug, purpose=purpose, policy=policy
    )
    return atelier


def _move(member: AtelierMember, to: str, actor: Any) -> AtelierMember:
    if to not in MEMBER_TRANSITIONS[member.status]:
        raise ValidationError(f"Impossible : cette adhésion est « {member.get_status_display()} ».")
    AtelierMemberTransition.objects.create(
        member=member,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=member.status,
        to_status=to,
    )
    member.status = to
    member.save(update_fields=["status", "updated_at"])
    return member


@transaction.atomic
def join_atelier(*, actor: Any, atelier: Atelier) -> AtelierMember:
    """Open atelier: member at once. On request: a pending request the coordinators are told about."""
    if not querysets.is_territory_member(actor, atelier.territory):
        raise PermissionDenied("Les ateliers sont ouverts aux membres des structures du territoire.")
    target = (
        AtelierMember.Status.ACTIVE if atelier.policy == Atelier.Policy.OPEN else AtelierMember.Status.PENDING
    )
    member = AtelierMember.objects.filter(atelier=atelier, user=actor).first()
    if member is None:
        member = AtelierMember.objects.create(atelier=atelier, user=actor, status=target)
        AtelierMemberTransition.objects.create(member=member, actor=actor, from_status="", to_status=target)
    elif member.status in (AtelierMember.Status.ACTIVE, AtelierMember.Status.PENDING):
        return member  # a second click changes nothing
    else:
        _move(member, target, actor)
    if target == AtelierMember.Status.PENDING:
        notify.membership_requested(member)
    return member


@transaction.atomic
def decide_membership(*, actor: Any, member: AtelierMember, accept: bool) -> AtelierMember:
    if not querysets.can_coordinate(actor, member.atelier):
        raise PermissionDenied("Seuls les coordinateurs de l'atelier et l'équipe d'animation décident.")
    _move(member, AtelierMember.Status.ACTIVE if accept else AtelierMember.Status.REFUSED, actor)
    notify.membership_decided(member, accepted=accept, actor=actor)
    return member


@transaction.atomic
def set_member_role(*, actor: Any, member: AtelierMember, role: str) -> AtelierMember:
    if not querysets.can_coordinate(actor, member.atelier):
        raise PermissionDenied(
            "Seuls les coordinateurs de l'atelier et l'équipe d'animation changent les rôles."
        )
    if role not in AtelierMember.Role.values:
        raise ValidationError("Choisissez un rôle dans la liste.")
    if member.status != AtelierMember.Status.ACTIVE:
        raise ValidationError("Seul un membre actif peut recevoir un rôle.")
    if (
        role == AtelierMember.Role.MEMBER
        and member.role == AtelierMember.Role.COORDINATOR
        and not member.atelier.members.filter(
            role=AtelierMember.Role.COORDINATOR, status=AtelierMember.Status.ACTIVE
        )
        .exclude(pk=member.pk)
        .exists()
        and not querysets.is_staff_of(actor, member.atelier.territory)
    ):
        raise ValidationError("L'atelier doit garder au moins une personne à sa coordination.")
    member.role = role
    member.save(update_fields=["role", "updated_at"])
    return member


@transaction.atomic
def leave_atelier(*, actor: Any, atelier: Atelier) -> None:
    member = AtelierMember.objects.filter(
        atelier=atelier, user=actor, status=AtelierMember.Status.ACTIVE
    ).first()
    if member is not None:
        _move(member, AtelierMember.Status.LEFT, actor)


# --- discussions ---------------------------------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Écrivez votre message."})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": f"Le message dépasse {MAX_BODY} caractères : raccourcissez-le."})
    return body


def _store_mentions(post: Post) -> list[Any]:
    rendered = render_body(post.thread.territory, post.body)
    post.body_html = rendered.html
    post.save(update_fields=["body_html"])
    already = set(post.mentions.values_list("user_id", flat=True))
    post.mentions.all().delete()
    Mention.objects.bulk_create(
        [Mention(post=post, user=u) for u in rendered.users]
        + [Mention(post=post, structure=s) for s in rendered.structures]
    )
    return [u for u in rendered.users if u.pk not in already]


@transaction.atomic
def create_thread(
    *,
    actor: Any,
    territory: Territory,
    atelier: Atelier | None,
    title: str,
    body: str,
    kind: str = "discussion",
) -> Thread:
    if atelier is not None:
        if atelier.territory_id != territory.pk or not querysets.can_read_atelier(actor, atelier):
            raise PermissionDenied("Seuls les membres de l'atelier y ouvrent des discussions.")
        kind = Thread.Kind.DISCUSSION
    else:
        if not querysets.is_territory_member(actor, territory):
            raise PermissionDenied("Les échanges sont réservés aux membres des structures du territoire.")
        if kind not in (Thread.Kind.SEEK, Thread.Kind.OFFER):
            raise ValidationError({"kind": "Indiquez si vous cherchez ou si vous proposez."})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Donnez un titre à la discussion."})
    body = _clean_body(body)
    thread = Thread.objects.create(
        territory=territory, atelier=atelier, kind=kind, title=title[:200], author=actor
    )
    post = Post.objects.create(thread=thread, author=actor, body=body)
    mentioned = _store_mentions(post)
    notify.new_post(post, mentioned=mentioned, is_new_thread=True)
    return thread


@transaction.atomic
def reply_to_thread(*, actor: Any, thread: Thread, body: str) -> Post:
    if not querysets.can_read_thread(actor, thread):
        raise PermissionDenied("Vous ne participez pas à cette discussion.")
    if thread.is_locked:
        raise ValidationError("Cette discussion est fermée aux réponses.")
    post = Post.objects.create(thread=thread, author=actor, body=_clean_body(body))
    Thread.objects.filter(pk=thread.pk).update(last_activity_at=timezone.now())
    mentioned = _store_mentions(post)
    notify.new_post(post, mentioned=mentioned, is_new_thread=False)
    return post


@transaction.atomic
def edit_post(*, actor: Any, post: Post, body: str) -> Post:
    if post.author_id != getattr(actor, "pk", None):
        raise PermissionDenied("Seule la personne qui a écrit ce message peut le modifier.")
    if post.is_hidden:
        raise ValidationError("Ce message a été masqué par la modération : il ne peut plus être modifié.")
    body = _clean_body(body)
    if body == post.body:
        return post
    PostRevision.objects.create(post=post, body=post.body, edited_by=actor)
    post.body = body
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "edited_at"])
    mentioned = _store_mentions(post)
    notify.mentioned_only(post, mentioned=mentioned)
    return post


@transaction.atomic
def report_post(*, actor: Any, post: Post, reason: str) -> AbuseReport:
    if not querysets.can_read_thread(actor, post.thread):
        raise PermissionDenied("Vous ne participez pas à cette discussion.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Dites en quelques mots ce qui pose problème."})
    try:
        with transaction.atomic():
            report = AbuseReport.objects.create(post=post, reporter=actor, reason=reason[:2000])
    except IntegrityError:
        raise ValidationError("Vous avez déjà signalé ce message ; la modération va l'examiner.") from None
    notify.post_reported(report)
    return report


@transaction.atomic
def moderate_post(*, actor: Any, post: Post, hide: bool, reason: str = "") -> Post:
    if not querysets.can_moderate_thread(actor, post.thread):
        raise PermissionDenied("Seuls les coordinateurs de l'atelier et l'équipe d'animation modèrent.")
    if hide and not (reason or "").strip():
        raise ValidationError({"reason": "Indiquez le motif : il sera affiché à la place du message."})
    post.is_hidden = hide
    post.hidden_reason = (reason or "").strip()[:300] if hide else ""
    post.hidden_by = actor if hide else None
    post.save(update_fields=["is_hidden", "hidden_reason", "hidden_by"])
    AbuseReport.objects.filter(post=post, outcome=AbuseReport.Outcome.OPEN).update(
        outcome=AbuseReport.Outcome.HIDDEN if hide else AbuseReport.Outcome.DISMISSED,
        resolved_at=timezone.now(),
        resolved_by=actor,
    )
    return post


@transaction.atomic
def dismiss_report(*, actor: Any, report: AbuseReport) -> AbuseReport:
    if not querysets.can_moderate_thread(actor, report.post.thread):
        raise PermissionDenied("Seuls les coordinateurs de l'atelier et l'équipe d'animation modèrent.")
    report.outcome = AbuseReport.Outcome.DISMISSED
    report.resolved_at = timezone.now()
    report.resolved_by = actor
    report.save(update_fields=["outcome", "resolved_at", "resolved_by"])
    return report


# --- news watch -------------------------------------------------------------------------------------------


def _clean_tags(tags: list[str] | str) -> list[str]:
    if isinstance(tags, str):
        tags = tags.split(",")
    return list(dict.fromkeys(t.strip().lower()[:50] for t in tags if t and t.strip()))[:10]


def tags_text(tags: list[str]) -> str:
    return ("," + ",".join(tags) + ",")[:600] if tags else ""


def _index_news(item: NewsItem) -> None:
    index_document(
        territory=item.territory,
        kind="news",
        object_id=item.pk,
        title=item.title,
        body=[item.summary, " ".join(item.tags), item.source],
        facets={"tags": item.tags},
    )


@transaction.atomic
def post_news_item(
    *, actor: Any, territory: Territory, title: str, url: str, summary: str = "", tags: list[str] | str = ""
) -> NewsItem:
    if not querysets.is_territory_member(actor, territory):
        raise PermissionDenied("La veille est alimentée par les membres des structures du territoire.")
    title = (title or "").strip()
    url = (url or "").strip()
    errors = {}
    if not title:
        errors["title"] = "Donnez un titre à l'article."
    if not url.startswith(("http://", "https://")):
        errors["url"] = "Indiquez l'adresse de l'article, commençant par http:// ou https://."
    elif NewsItem.objects.filter(territory=territory, url=url).exists():
        errors["url"] = "Cet article est déjà dans la veille."
    if errors:
        raise ValidationError(errors)
    item = NewsItem.objects.create(
        territory=territory,
        title=title[:300],
        url=url[:1000],
        summary=(summary or "").strip()[:2000],
        tags=_clean_tags(tags),
        tags_text=tags_text(_clean_tags(tags)),
        source="Proposé par un membre",
        posted_by=actor,
        published_at=timezone.now(),
    )
    _index_news(item)
    return item


@transaction.atomic
def pick_news_item(*, actor: Any, item: NewsItem, picked: bool) -> NewsItem:
    """Retain an item for the next lettre (its « À lire dans la veille » block), or withdraw it."""
    if not querysets.is_staff_of(actor, item.territory):
        raise PermissionDenied("Seule l'équipe d'animation choisit les articles de la lettre.")
    item.picked_at = timezone.now() if picked else None
    item.save(update_fields=["picked_at"])
    return item


@transaction.atomic
def add_news_feed(
    *, actor: Any, territory: Territory, title: str, url: str, tags: list[str] | str = ""
) -> NewsFeed:
    if not querysets.is_staff_of(actor, territory):
        raise PermissionDenied("Seule l'équipe d'animation abonne la veille à des flux.")
    url = (url or "").strip()
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Donnez un nom au flux."
    if not url.startswith(("http://", "https://")):
        errors["url"] = "Indiquez l'adresse du flux, commençant par http:// ou https://."
    elif NewsFeed.objects.filter(territory=territory, url=url).exists():
        errors["url"] = "Ce flux est déjà suivi."
    if errors:
        raise ValidationError(errors)
    return NewsFeed.objects.create(
        territory=territory, title=title.strip()[:200], url=url, tags=_clean_tags(tags)
    )


def import_news_feed(*, feed: NewsFeed, allow_loopback: bool | None = None) -> int:
    """Fetch and import one feed: new items only (dedup by URL); an error is recorded on the feed and
    reported on the feeds page, never raised (one broken feed does not block the others)."""
    now = timezone.now()
    try:
        items = feeds.fetch_feed(feed.url, allow_loopback=allow_loopback)
    except feeds.FeedError as exc:
        NewsFeed.objects.filter(pk=feed.pk).update(
            last_fetched_at=now, last_error=str(exc)[:500], error_count=models.F("error_count") + 1
        )
        return 0
    created = 0
    with transaction.atomic():
        known = set(
            NewsItem.objects.filter(territory=feed.territory, url__in=[i.url for i in items]).values_list(
                "url", flat=True
            )
        )
        for entry in items:
            if entry.url in known:
                continue
            known.add(entry.url)
            item = NewsItem.objects.create(
                territory=feed.territory,
                title=entry.title,
                url=entry.url,
                summary=entry.summary,
                tags=_clean_tags(list(feed.tags) + entry.tags),
                tags_text=tags_text(_clean_tags(list(feed.tags) + entry.tags)),
                source=feed.title,
                published_at=min(entry.published_at or now, now),
            )
            _index_news(item)
            created += 1
        NewsFeed.objects.filter(pk=feed.pk).update(
            last_fetched_at=now, last_success_at=now, last_error="", error_count=0
        )
    return created


def import_all_feeds(*, allow_loopback: bool | None = None) -> dict[str, int]:
    counts = {}
    for feed in NewsFeed.objects.filter(is_active=True).select_related("territory"):
        counts[f"{feed.territory.slug}:{feed.pk}"] = import_news_feed(
            feed=feed, allow_loopback=allow_loopback
        )
    return counts


# --- documents --------------------------------------------------------------------------------------------


def _check_file(file: Any) -> CleanUpload:
    if file is None:
        raise ValidationError({"file": "Choisissez un fichier."})
    try:
        return clean_upload(file, kind="document")
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None


def _add_version(
    *, actor: Any, document: Document, file: Any, checked: CleanUpload, note: str
) -> DocumentVersion:
    number = (document.versions.aggregate(n=models.Max("number"))["n"] or 0) + 1
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=checked.name[:200],
        content_type=checked.content_type,
        size=checked.size,
        note=(note or "").strip()[:300],
        uploaded_by=actor,
    )
    version.file.save(checked.name, checked.file, save=False)  # the cleaned file, never the original
    version.save()
    Document.objects.filter(pk=document.pk).update(updated_at=timezone.now())
    return version


@transaction.atomic
def upload_document(
    *, actor: Any, atelier: Atelier, title: str, file: Any, description: str = "", note: str = ""
) -> Document:
    if not querysets.can_read_atelier(actor, atelier):
        raise PermissionDenied("Seuls les membres de l'atelier y déposent des documents.")
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Donnez un titre au document."
    try:
        checked = _check_file(file)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    document = Document.objects.create(
        atelier=atelier, title=title.strip()[:200], description=(description or "").strip(), created_by=actor
    )
    _add_version(actor=actor, document=document, file=file, checked=checked, note=note or "Première version")
    return document


@transaction.atomic
def add_document_version(*, actor: Any, document: Document, file: Any, note: str = "") -> DocumentVersion:
    if not querysets.can_read_atelier(actor, document.atelier):
        raise PermissionDenied("Seuls les membres de l'atelier y déposent des documents.")
    checked = _check_file(file)
    return _add_version(actor=actor, document=document, file=file, checked=checked, note=note)


def record_download(*, version: DocumentVersion) -> None:
    DocumentVersion.objects.filter(pk=version.pk).update(download_count=models.F("download_count") + 1)


# --- meetings ----------------------------------------------------------------------------------------


def _check_coordinator(actor: Any, atelier: Atelier) -> None:
    if not querysets.can_coordinate(actor, atelier):
        raise PermissionDenied("Seuls la coordination de l'atelier et l'animation du territoire le peuvent.")


@transaction.atomic
def create_meeting(*, actor: Any, atelier: Atelier, **fields: Any) -> AtelierMeeting:
    """A new « réunion d'atelier » in the agenda (created through the events app, published), linked."""
    _check_coordinator(actor, atelier)
    fields.setdefault("kind", EventKind.WORKSHOP_MEETING)
    fields.setdefault("description", f"Réunion de l'atelier « {atelier.name} ».")
    event = event_services.create_event(
        actor=actor, territory=atelier.territory, status=EventStatus.PUBLISHED, **fields
    )
    return AtelierMeeting.objects.create(atelier=atelier, event=event)


@transaction.atomic
def link_meeting(*, actor: Any, atelier: Atelier, event: Event) -> AtelierMeeting:
    """An existing event of the territory becomes a meeting of the atelier."""
    _check_coordinator(actor, atelier)
    if event.territory_id != atelier.territory_id:
        raise ValidationError("Ce rendez-vous n'est pas dans l'agenda du territoire.")
    current = AtelierMeeting.objects.filter(event=event).select_related("atelier").first()
    if current is not None:
        if current.atelier_id == atelier.pk:
            return current
        raise ValidationError(f"Ce rendez-vous est déjà une réunion de l'atelier « {current.atelier.name} ».")
    return AtelierMeeting.objects.create(atelier=atelier, event=event)


@transaction.atomic
def save_minutes(*, actor: Any, meeting: AtelierMeeting, minutes: str) -> AtelierMeeting:
    """Write or edit the minutes of a meeting that has begun; the former text stays in the history."""
    _check_coordinator(actor, meeting.atelier)
    if meeting.event.start > timezone.now():
        raise ValidationError("Le compte rendu s'écrit une fois la réunion commencée.")
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError({"minutes": "Écrivez le compte rendu."})
    if len(minutes) > 50_000:
        raise ValidationError({"minutes": "Le compte rendu dépasse 50 000 caractères."})
    if minutes == meeting.minutes:
        return meeting
    meeting.minutes = minutes
    meeting.minutes_html = render_markdown(minutes)
    meeting.minutes_author = actor
    meeting.minutes_updated_at = timezone.now()
    meeting.save(update_fields=["minutes", "minutes_html", "minutes_author", "minutes_updated_at"])
    return meeting

"""Ateliers (standing working groups), their members, and the news watch (veille).

Membership of an atelier is a small state machine (see `MEMBER_TRANSITIONS`): an « open » atelier admits at
once, an « on request » one puts the request « pending » until a coordinator accepts it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from maillage.core.models import Territory


class Atelier(models.Model):
    class Policy(models.TextChoices):
        OPEN = "open", _("ouvert : chacun rejoint librement")
        ON_REQUEST = "on_request", _("sur demande : un coordinateur accepte")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="ateliers")
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200)
    purpose = models.TextField(_("objet"), blank=True)
    policy = models.CharField(_("adhésion"), max_length=20, choices=Policy.choices, default=Policy.OPEN)
    is_archived = models.BooleanField(_("archivé"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("atelier")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["territory", "slug"], name="atelier_unique_slug")]

    def __str__(self) -> str:
        return self.name


class AtelierMember(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordination")
        MEMBER = "member", _("membre")

    class Status(models.TextChoices):
        PENDING = "pending", _("demande en attente")
        ACTIVE = "active", _("membre")
        REFUSED = "refused", _("demande refusée")
        LEFT = "left", _("a quitté l'atelier")

    atelier = models.ForeignKey(Atelier, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="atelier_members"
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("membre d'atelier")
        constraints = [models.UniqueConstraint(fields=["atelier", "user"], name="atelier_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.atelier}"


# from-state -> allowed to-states (every transition is logged in AtelierMemberTransition)
MEMBER_TRANSITIONS: dict[str, set[str]] = {
    AtelierMember.Status.PENDING: {AtelierMember.Status.ACTIVE, AtelierMember.Status.REFUSED},
    AtelierMember.Status.ACTIVE: {AtelierMember.Status.LEFT},
    AtelierMember.Status.REFUSED: {AtelierMember.Status.PENDING},
    AtelierMember.Status.LEFT: {AtelierMember.Status.ACTIVE, AtelierMember.Status.PENDING},
}


class AtelierMemberTransition(models.Model):
    member = models.ForeignKey(AtelierMember, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.from_status} → {self.to_status}"


class NewsItem(models.Model):
    """An item of the news watch: posted by a member or imported from a feed."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="news_items")
    title = models.CharField(_("titre"), max_length=300)
    url = models.URLField(_("lien"), max_length=1000)
    summary = models.TextField(_("résumé"), blank=True)
    tags = models.JSONField(_("mots-clés"), default=list, blank=True)
    # The same tags as « ,tag1,tag2, »: a filter both databases run the same way.
    tags_text = models.CharField(max_length=600, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("publié le"))
    picked_at = models.DateTimeField(_("retenu pour la lettre le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("article de veille")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "url"], name="news_item_unique_url"),
        ]
        indexes = [models.Index(Lower("title"), name="news_item_title_lower")]

    def __str__(self) -> str:
        return self.title


class Thread(models.Model):
    """A discussion in an atelier, or (atelier empty) an offer or request in the « échanges » area."""

    class Kind(models.TextChoices):
        DISCUSSION = "discussion", _("discussion")
        SEEK = "seek", _("je cherche")
        OFFER = "offer", _("je propose")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="threads")
    atelier = models.ForeignKey(
        Atelier, on_delete=models.CASCADE, null=True, blank=True, related_name="threads"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.DISCUSSION)
    title = models.CharField(_("titre"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="workspace_threads"
    )
    is_locked = models.BooleanField(_("fermée aux réponses"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("discussion")
        ordering = ["-last_activity_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_exchange(self) -> bool:
        return self.atelier_id is None


class Post(models.Model):
    """A message: the first one opens the thread, the others reply. Markdown, rendered and sanitised when
    saved (`body_html`); every edit keeps the former text in `PostRevision`."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="workspace_posts"
    )
    body = models.TextField(_("message"))
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(_("masqué par la modération"), default=False)
    hidden_reason = models.CharField(_("motif"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("message")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.thread} #{self.pk}"


class PostRevision(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.replaced_at:%Y-%m-%d %H:%M}"


class Mention(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    structure = models.ForeignKey(
        "actors.Structure", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.post_id} → {self.user_id or self.structure_id}"


class AbuseReport(models.Model):
    class Outcome(models.TextChoices):
        OPEN = "open", _("à traiter")
        HIDDEN = "hidden", _("message masqué")
        DISMISSED = "dismissed", _("classé sans suite")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("motif du signalement"))
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("signalement")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=models.Q(outcome="open"),
                name="abuse_report_one_open_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.outcome}"


class NewsFeed(models.Model):
    """An RSS or Atom feed the animator subscribes the watch to; fetched by a periodic task."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="news_feeds")
    title = models.CharField(_("nom"), max_length=200)
    url = models.URLField(_("adresse du flux"), max_length=1000)
    tags = models.JSONField(_("mots-clés ajoutés aux articles"), default=list, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("flux de veille")
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["territory", "url"], name="news_feed_unique_url")]

    def __str__(self) -> str:
        return self.title


def private_storage():
    """Where atelier documents are kept: never under MEDIA_URL. `STORAGES["private"]` when the deployment
    defines one (S3 bucket without public access), else a folder beside MEDIA_ROOT that no URL serves."""
    if "private" in settings.STORAGES:
        return storages["private"]
    return FileSystemStorage(location=str(settings.MEDIA_ROOT).rstrip("/") + "-private", base_url=None)


def _document_path(instance: DocumentVersion, filename: str) -> str:
    return f"ateliers/{instance.document.atelier_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class Document(models.Model):
    atelier = models.ForeignKey(Atelier, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("document")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def territory(self) -> Territory:
        return self.atelier.territory


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(storage=private_storage, upload_to=_document_path, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    note = models.CharField(_("ce qui change"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    download_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class AtelierMeeting(models.Model):
    """A meeting of an atelier: an agenda event (events app; one event belongs to at most one atelier) and,
    once held, its minutes (Markdown, sanitised into `minutes_html`; every edit kept in `history`)."""

    atelier = models.ForeignKey(Atelier, on_delete=models.CASCADE, related_name="meetings")
    event = models.OneToOneField("events.Event", on_delete=models.CASCADE, related_name="atelier_meeting")
    minutes = models.TextField(_("compte rendu"), blank=True)
    minutes_html = models.TextField(blank=True)
    minutes_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    minutes_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réunion d'atelier")
        verbose_name_plural = _("réunions d'atelier")
        ordering = ["-event__start"]

    def __str__(self) -> str:
        return f"{self.atelier} — {self.event}"

"""People: a user logs in with an e-mail address; territory roles make animators and moderators."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from maillage.accounts.querysets import TerritoryRoleQuerySet
from maillage.core.models import Territory


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("Une adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse électronique"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    is_staff = models.BooleanField(_("accès à l'administration technique"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    # Bumped by every change of the person's territory roles (see services.grant_territory_role): the
    # MFA middleware keys the decision it caches in the session on it, so a role granted from another
    # session takes effect on the next request without a query per request.
    access_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        full = f"{self.first_name} {self.last_name}".strip()
        return full or self.email.split("@", 1)[0]

    def has_territory_role(self, territory: Territory | None, role: str) -> bool:
        if territory is None or not self.is_active:
            return False
        cache = self.__dict__.setdefault("_territory_roles", {})
        key = territory.pk
        if key not in cache:
            cache[key] = set(self.territory_roles.filter(territory_id=key).values_list("role", flat=True))
        return role in cache[key]

    def is_animator_of(self, territory: Territory | None) -> bool:
        return self.has_territory_role(territory, TerritoryRole.Role.ANIMATOR)

    def is_moderator_of(self, territory: Territory | None) -> bool:
        return self.has_territory_role(territory, TerritoryRole.Role.MODERATOR) or self.is_animator_of(
            territory
        )

    @property
    def requires_mfa(self) -> bool:
        """Animators, moderators and superusers must use TOTP (DESIGN.md)."""
        return self.is_superuser or self.territory_roles.exists()


class TerritoryRole(models.Model):
    class Role(models.TextChoices):
        ANIMATOR = "animator", _("animateur ou animatrice")
        MODERATOR = "moderator", _("modérateur ou modératrice")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="territory_roles")
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = TerritoryRoleQuerySet.as_manager()

    # Set by the services before save()/delete(): django-simple-history records who did it and why.
    _history_user: User | None
    _change_reason: str

    class Meta:
        verbose_name = _("rôle sur un territoire")
        verbose_name_plural = _("rôles sur un territoire")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "territory", "role"], name="accounts_territoryrole_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.territory}"

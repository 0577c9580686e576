"""The module registry: how every app plugs into the whole.

Each app registers, from its `AppConfig.ready()`, what it brings: menu entries, pages (with a builder of an
example URL and the HTTP status each role gets, so the accessibility and permission checks reach them),
demo-data loaders, metrics for the plan and the dashboard, content providers for the lettre, link targets,
notification kinds, roles, personal-data hooks (export, erase, retention), the sections of « Mon
espace » (my registrations, my ateliers, my signatures…), blocks of a structure's profile, and the groups
of people a module keeps (ateliers), so others can give a right to their members.

Readers of everything (plan indicators, the lettre's blocks, the dashboard, account erasure) go through
`registry` and import no feature app. Tests swap in a fresh `Registry` with `registry.override()`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # django-stubs: read as settings.AUTH_USER_MODEL (User)
    from django.http import HttpRequest

    from maillage.core.models import Territory

# The roles of the permission matrix. Apps may add roles of their own (coordinator, juror…) with RoleSpec;
# the matrix runs over these five, which every page must declare.
MATRIX_ROLES: tuple[str, ...] = ("anonymous", "member", "manager_other", "animator_other", "animator")
Role = Literal["anonymous", "member", "manager_other", "animator_other", "animator"]


class RegistryError(Exception):
    pass


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: str
    url_name: str
    order: int = 100
    # Who sees it: "all", "authenticated", "animator", "moderator" (moderators and animators).
    audience: Literal["all", "authenticated", "animator", "moderator"] = "all"
    icon: str = ""


@dataclass(frozen=True)
class ExampleContext:
    """What an example-URL builder receives: the territory under test and the fixtures of the matrix."""

    territory: Territory
    structure: Any  # a published actors.Structure of the territory, managed by the "manager" role's user
    users: Mapping[str, _User | None]  # role name -> user (None for anonymous)


@dataclass(frozen=True)
class PageSpec:
    """A page (or API endpoint) and the status each matrix role gets on it.

    `example_url` builds a URL to request (creating whatever object a detail page needs). `expected` maps
    every role of MATRIX_ROLES to the HTTP status it must get (302 for a redirect to the login page).
    `axe_as` names the signed-in role that the accessibility check uses (besides anonymous when anonymous
    gets 200). `kind` is "page" for HTML (checked by axe) or "api"/"file" (matrix only); "third_party_ui" is
    a page drawn by a vendored third-party tool (the Swagger UI explorer): matrix only, and it must name in
    `accessible_alternative` the registered page that gives the same content accessibly.
    """

    name: str
    example_url: Callable[[ExampleContext], str]
    expected: Mapping[str, int]
    kind: Literal["page", "api", "file", "third_party_ui"] = "page"
    axe_as: str | None = None
    method: Literal["GET"] = "GET"
    accessible_alternative: str = ""

    def __post_init__(self) -> None:
        if self.kind == "third_party_ui" and not self.accessible_alternative:
            raise RegistryError(f"page {self.name!r}: a third-party UI needs an accessible alternative page")
        missing = set(MATRIX_ROLES) - set(self.expected)
        if missing:
            raise RegistryError(f"page {self.name!r}: no expected status for {sorted(missing)}")


@dataclass(frozen=True)
class DemoLoader:
    key: str
    load: Callable[..., None]  # load(*, territory, today, context) ; context is a dict shared by loaders
    order: int = 100


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    compute: Callable[[Territory, dt.date, dt.date], float | int]
    description: str = ""


@dataclass(frozen=True)
class ContentBlock:
    title: str
    html: str
    text: str


@dataclass(frozen=True)
class ContentProvider:
    key: str
    label: str
    build: Callable[..., ContentBlock | None]  # build(*, territory, since, options) -> block or None


@dataclass(frozen=True)
class LinkTarget:
    """Something a plan node or a need may point to (as content type + id)."""

    key: str
    label: str
    model: str  # "app_label.ModelName"
    choices: Callable[[Territory], Sequence[tuple[int, str]]]
    url: Callable[[Any], str]


DeliveryChoice = Literal["immediate", "daily", "weekly", "never"]
DELIVERY_CHOICES: tuple[DeliveryChoice, ...] = ("immediate", "daily", "weekly", "never")


@dataclass(frozen=True)
class NotificationKind:
    """A sort of notification the preferences page offers (`label`), with the delivery a person gets until
    they choose. Apps send one with `maillage.notifications.services.notify(kind=key, …)`."""

    key: str
    label: str
    default_delivery: DeliveryChoice = "immediate"

    def __post_init__(self) -> None:
        if not self.key or self.default_delivery not in DELIVERY_CHOICES:
            raise RegistryError(f"notification kind {self.key!r}: no key, or an unknown default delivery")


@dataclass(frozen=True)
class RoleSpec:
    key: str
    label: str
    app: str


class PersonalDataExporter(Protocol):
    def __call__(self, user: _User) -> dict[str, Any]: ...


class PersonalDataEraser(Protocol):
    def __call__(self, user: _User, *, replacement: _User | None = None) -> None: ...


@dataclass(frozen=True)
class PersonalDataHook:
    """What an app keeps about a person, and how to export, erase and expire it.

    `erase(user)` must remove or anonymise every trace of the person in the app's tables, their history
    tables included. `retention(now)` deletes what has outlived its retention period; returns a count.
    `order`: erasers run in ascending order (accounts' own, which deletes the user, runs last).
    `models` names ("app_label.ModelName") the models holding personal data whose rows this hook exports
    and erases: a test walks every installed model and fails on one that holds personal data (a link to
    the user, an address, a phone number…) and that no hook claims nor its allow-list explains.
    """

    key: str
    label: str
    export: PersonalDataExporter
    erase: PersonalDataEraser
    retention: Callable[[dt.datetime], int] | None = None
    order: int = 100
    retention_text: str = ""  # how long it is kept, in the words of the privacy page
    models: tuple[str, ...] = ()


@dataclass(frozen=True)
class PeriodicJob:
    """A task the scheduler enqueues every `every` (run by the worker, not the scheduler)."""

    key: str
    task_path: str  # dotted path to a django-tasks Task
    every: dt.timedelta
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StructureBadge:
    """A badge on structures and a facet of the directory brought by another module (e.g. the charter's
    « signataire de la charte »). `structure_ids(territory)` returns the ids (a list or a values_list
    queryset) of the territory's structures that carry it."""

    key: str
    label: str
    structure_ids: Callable[[Territory], Any]
    kind: str = "charter"  # CSS badge modifier: badge-<kind>
    order: int = 100


@dataclass(frozen=True)
class StructureMirror:
    """A module's own copy of some columns of the structures (e.g. procurement's narrow matching rows),
    kept in the writing transaction: the directory's services call `refresh(ids)` after every write of those
    structures (fields, sectors, status, position) and `rebuild(territory_id)` after a bulk load."""

    key: str
    refresh: Callable[[Sequence[int]], None]
    rebuild: Callable[[int], None]


@dataclass(frozen=True)
class ProfileSection:
    """A block an app adds to a structure's public profile in the directory (e.g. the self-assessment's
    results, when the structure chose to show them). `build(structure)` returns a block or None."""

    key: str
    build: Callable[[Any], ContentBlock | None]
    order: int = 100


@dataclass(frozen=True)
class GroupMembership:
    """Working groups a person may belong to, brought by the module that keeps them (the workspace's
    ateliers), so that another module can give a right to « the members of group X » without importing it
    (the needs register lets the members of its atelier qualify needs). `groups(territory)` lists the current
    groups as (slug, name); `is_member(user, territory, slug)` says whether the person is an active member of
    that group of that territory."""

    key: str
    label: str
    groups: Callable[[Territory], Sequence[tuple[str, str]]]
    is_member: Callable[[_User, Territory, str], bool]


@dataclass(frozen=True)
class MySpaceItem:
    """One line of a « Mon espace » section: a label, an optional link and a short detail (date, state)."""

    label: str
    url: str = ""
    detail: str = ""


@dataclass(frozen=True)
class MySpaceSection:
    """What a module shows a person in « Mon espace » (my registrations, my ateliers, my signatures…).

    `empty` says what to do when there are no items; `link_url`/`link_label` point to the module's page."""

    title: str
    items: Sequence[MySpaceItem]
    empty: str = ""
    link_url: str = ""
    link_label: str = ""


@dataclass(frozen=True)
class MySpaceProvider:
    """`build(user, territory)` returns the person's section, or None to show nothing."""

    key: str
    build: Callable[[_User, Territory], MySpaceSection | None]
    order: int = 100


@dataclass(frozen=True)
class ObjectivesProvider:
    """Where the home page reads the contract's objectives (the plan module registers one: its current
    plan's objectives). `objectives(territory)` returns their titles, or an empty list when the territory
    has none; the first provider (by order) that returns some wins."""

    key: str
    objectives: Callable[[Territory], Sequence[str]]
    order: int = 100


@dataclass
class Registry:
    menu: dict[str, MenuEntry] = field(default_factory=dict)
    pages: dict[str, PageSpec] = field(default_factory=dict)
    demo_loaders: dict[str, DemoLoader] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    content_providers: dict[str, ContentProvider] = field(default_factory=dict)
    link_targets: dict[str, LinkTarget] = field(default_factory=dict)
    notification_kinds: dict[str, NotificationKind] = field(default_factory=dict)
    roles: dict[str, RoleSpec] = field(default_factory=dict)
    personal_data: dict[str, PersonalDataHook] = field(default_factory=dict)
    periodic_jobs: dict[str, PeriodicJob] = field(default_factory=dict)
    structure_badges: dict[str, StructureBadge] = field(default_factory=dict)
    my_space_sections: dict[str, MySpaceProvider] = field(default_factory=dict)
    objectives_providers: dict[str, ObjectivesProvider] = field(default_factory=dict)
    profile_sections: dict[str, ProfileSection] = field(default_factory=dict)
    group_memberships: dict[str, GroupMembership] = field(default_factory=dict)
    structure_mirrors: dict[str, StructureMirror] = field(default_factory=dict)

    # --- registration -------------------------------------------------------------------------------
    @staticmethod
    def _add(bucket: dict[str, Any], key: str, value: Any, what: str) -> None:
        if key in bucket and bucket[key] != value:
            raise RegistryError(f"{what} {key!r} is registered twice")
        bucket[key] = value

    def add_menu(self, entry: MenuEntry) -> None:
        self._add(self.menu, entry.key, entry, "menu entry")

    def add_page(self, page: PageSpec) -> None:
        self._add(self.pages, page.name, page, "page")

    def add_demo_loader(self, loader: DemoLoader) -> None:
        self._add(self.demo_loaders, loader.key, loader, "demo loader")

    def add_metric(self, metric: Metric) -> None:
        self._add(self.metrics, metric.key, metric, "metric")

    def add_content_provider(self, provider: ContentProvider) -> None:
        self._add(self.content_providers, provider.key, provider, "content provider")

    def add_link_target(self, target: LinkTarget) -> None:
        self._add(self.link_targets, target.key, target, "link target")

    def add_notification_kind(self, kind: NotificationKind) -> None:
        self._add(self.notification_kinds, kind.key, kind, "notification kind")

    def add_role(self, role: RoleSpec) -> None:
        self._add(self.roles, role.key, role, "role")

    def add_personal_data(self, hook: PersonalDataHook) -> None:
        self._add(self.personal_data, hook.key, hook, "personal-data hook")

    def add_periodic_job(self, job: PeriodicJob) -> None:
        self._add(self.periodic_jobs, job.key, job, "periodic job")

    def add_structure_badge(self, badge: StructureBadge) -> None:
        self._add(self.structure_badges, badge.key, badge, "structure badge")

    def add_structure_mirror(self, mirror: StructureMirror) -> None:
        self._add(self.structure_mirrors, mirror.key, mirror, "structure mirror")

    def structures_changed(self, structure_ids: Sequence[int]) -> None:
        """Tell every module keeping a copy of structures' columns that these changed (in the caller's
        transaction)."""
        for key in sorted(self.structure_mirrors):
            self.structure_mirrors[key].refresh(list(structure_ids))

    def structures_reloaded(self, territory_id: int) -> None:
        """Every structure of the territory may have changed (a bulk load): the copies are rebuilt."""
        for key in sorted(self.structure_mirrors):
            self.structure_mirrors[key].rebuild(territory_id)

    def add_my_space_section(self, provider: MySpaceProvider) -> None:
        self._add(self.my_space_sections, provider.key, provider, "« Mon espace » section")

    def add_objectives_provider(self, provider: ObjectivesProvider) -> None:
        self._add(self.objectives_providers, provider.key, provider, "objectives provider")

    # --- reading ------------------------------------------------------------------------------------
    def add_profile_section(self, section: ProfileSection) -> None:
        self._add(self.profile_sections, section.key, section, "profile section")

    def profile_blocks(self, structure: Any) -> list[ContentBlock]:
        """The blocks the apps add to a structure's public profile, in order."""
        sections = sorted(self.profile_sections.values(), key=lambda s: (s.order, s.key))
        return [block for block in (s.build(structure) for s in sections) if block is not None]

    def add_group_membership(self, provider: GroupMembership) -> None:
        self._add(self.group_memberships, provider.key, provider, "group membership")

    def groups(self, kind: str, territory: Territory) -> list[tuple[str, str]]:
        """The current groups of this kind in the territory, as (slug, name); none if no module keeps them."""
        provider = self.group_memberships.get(kind)
        return list(provider.groups(territory)) if provider else []

    def is_group_member(self, kind: str, user: Any, territory: Territory | None, slug: str) -> bool:
        """Whether the person is an active member of that group; False when no module keeps such groups."""
        provider = self.group_memberships.get(kind)
        if provider is None or territory is None or not slug:
            return False
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return bool(provider.is_member(user, territory, slug))

    def menu_for(self, request: HttpRequest) -> list[MenuEntry]:
        user = getattr(request, "user", None)
        territory = getattr(request, "territory", None)
        entries = []
        for entry in sorted(self.menu.values(), key=lambda e: (e.order, e.key)):
            if entry.audience == "authenticated" and not (user and user.is_authenticated):
                continue
            if entry.audience == "animator" and not (
                user is not None and user.is_authenticated and user.is_animator_of(territory)
            ):
                continue
            if entry.audience == "moderator" and not (
                user is not None and user.is_authenticated and user.is_moderator_of(territory)
            ):
                continue
            entries.append(entry)
        return entries

    def my_space_sections_for(self, user: _User, territory: Territory | None) -> list[MySpaceSection]:
        """The sections every module shows this person in « Mon espace » on this territory, in order."""
        if territory is None:
            return []
        providers = sorted(self.my_space_sections.values(), key=lambda p: (p.order, p.key))
        return [section for p in providers if (section := p.build(user, territory)) is not None]

    def ordered_demo_loaders(self) -> list[DemoLoader]:
        return sorted(self.demo_loaders.values(), key=lambda d: (d.order, d.key))

    def ordered_personal_data(self) -> list[PersonalDataHook]:
        return sorted(self.personal_data.values(), key=lambda h: (h.order, h.key))

    def metric(self, key: str) -> Metric:
        try:
            return self.metrics[key]
        except KeyError:
            raise RegistryError(f"unknown metric {key!r}") from None


class _RegistryProxy:
    """The process-wide registry; `override()` swaps in a fresh one (the test double)."""

    def __init__(self) -> None:
        self._current = Registry()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._current, name)

    @contextlib.contextmanager
    def override(self, replacement: Registry | None = None) -> Iterator[Registry]:
        previous = self._current
        self._current = replacement if replacement is not None else Registry()
        try:
            yield self._current
        finally:
            self._current = previous


if TYPE_CHECKING:

    class RegistryHandle(Registry):
        """What type checkers see of `registry`: a `Registry` (every call site is checked against it), plus
        `override()`, the test double."""

        def override(
            self, replacement: Registry | None = None
        ) -> contextlib.AbstractContextManager[Registry]: ...


# Typed as a Registry (not `Any`, which would switch off the checking of every call site).
registry = cast("RegistryHandle", _RegistryProxy())


def fixed_url(url: str) -> Callable[[ExampleContext], str]:
    """An example-URL builder for a page whose address needs no object."""
    return lambda ctx: url


def statuses(
    *, anonymous: int, member: int, manager_other: int, animator_other: int, animator: int
) -> dict[str, int]:
    """Spell out a page's expected status per role (keyword-only, so none is forgotten)."""
    return {
        "anonymous": anonymous,
        "member": member,
        "manager_other": manager_other,
        "animator_other": animator_other,
        "animator": animator,
    }


PUBLIC = statuses(anonymous=200, member=200, manager_other=200, animator_other=200, animator=200)
SIGNED_IN = statuses(anonymous=302, member=200, manager_other=200, animator_other=200, animator=200)
ANIMATOR_ONLY = statuses(anonymous=302, member=403, manager_other=403, animator_other=403, animator=200)

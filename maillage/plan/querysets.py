"""Reads of the plan: chainable querysets, each model's `objects` (`Node.objects.for_user(user, territory)`).

The plan is public (an accountability page for citizens and elected officials): `for_user()` scopes by
territory only. Writes need the animator role (`permissions.py`, asked by the services). The tree with its
rolled-up progress is built in `tree.py`; page contexts in `selectors.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import apps
from django.db import models

if TYPE_CHECKING:
    from maillage.core.models import Territory

ModelT = TypeVar("ModelT", bound=models.Model)


class ContractQuerySet(models.QuerySet):
    def for_user(self, user: Any, territory: Territory | None) -> ContractQuerySet:
        if territory is None:
            return self.none()
        return self.filter(territory=territory)


class VersionQuerySet(models.QuerySet):
    def for_user(self, user: Any, territory: Territory | None) -> VersionQuerySet:
        if territory is None:
            return self.none()
        return self.filter(contract__territory=territory).select_related("contract")

    def current(self, territory: Territory | None, today: dt.date) -> Any:
        """This year's plan, else the latest one before, else the first one after (None without any)."""
        versions = self.for_user(None, territory)
        return (
            versions.filter(year__lte=today.year).order_by("-year").first()
            or versions.order_by("year").first()
        )


class NodeQuerySet(models.QuerySet):
    def for_user(self, user: Any, territory: Territory | None) -> NodeQuerySet:
        if territory is None:
            return self.none()
        return self.filter(version__contract__territory=territory).select_related(
            "version__contract", "parent", "lead"
        )

    def linking_to(self, content_type: Any, object_id: int) -> NodeQuerySet:
        """The nodes that link to one object (e.g. an atelier), latest plan first."""
        return (
            self.filter(links__content_type=content_type, links__object_id=object_id)
            .distinct()
            .order_by("-version__year", "number", "position", "pk")
        )


class IndicatorQuerySet(models.QuerySet):
    def for_user(self, user: Any, territory: Territory | None) -> IndicatorQuerySet:
        if territory is None:
            return self.none()
        return self.filter(node__version__contract__territory=territory).select_related(
            "node__version__contract"
        )


class EvaluationQuerySet(models.QuerySet):
    def for_user(self, user: Any, territory: Territory | None) -> EvaluationQuerySet:
        """Every yearly evaluation of the territory's contract (public), latest year first."""
        if territory is None:
            return self.none()
        return (
            self.filter(version__contract__territory=territory)
            .select_related("version")
            .order_by("-version__year")
        )


def links_to(content_type: Any, object_id: int, territory: Territory | None) -> NodeQuerySet:
    """The plan nodes of the territory that link to one object (read by the workspace's atelier page)."""
    nodes: NodeQuerySet = apps.get_model("plan", "Node")._default_manager.all()
    return nodes.for_user(None, territory).linking_to(content_type, object_id)

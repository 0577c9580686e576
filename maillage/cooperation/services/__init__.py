"""Every write of cooperation (see the modules for each use case)."""

from maillage.cooperation.services.shares import share_item, withdraw_share
from maillage.cooperation.services.subscriptions import (
    add_subscription,
    record_failure,
    record_fetch,
    remove_subscription,
    request_refresh,
)

__all__ = [
    "add_subscription",
    "record_failure",
    "record_fetch",
    "remove_subscription",
    "request_refresh",
    "share_item",
    "withdraw_share",
]

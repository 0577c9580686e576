"""Every write of the needs register (re-exported here)."""

from maillage.needs.services.categories import (
    add_category,
    ensure_categories,
    set_needs_atelier,
    update_category,
)
from maillage.needs.services.demo_dates import backdate_need
from maillage.needs.services.lifecycle import link_structure, merge_needs, move_need, unlink_structure
from maillage.needs.services.privacy import erase_person, expire_pending
from maillage.needs.services.reporting import confirm_need, report_need, request_need
from maillage.needs.services.supports import confirm_support, request_support, support_need

__all__ = [
    "add_category",
    "backdate_need",
    "confirm_need",
    "confirm_support",
    "ensure_categories",
    "erase_person",
    "expire_pending",
    "link_structure",
    "merge_needs",
    "move_need",
    "report_need",
    "request_need",
    "request_support",
    "set_needs_atelier",
    "support_need",
    "unlink_structure",
    "update_category",
]

"""Writes of the plan, by use case. Every function is keyword-only, typed, runs in one transaction, takes an
`actor` (a user, or `core.actors.SYSTEM` for the demo and the periodic job — never `None`), asks
`plan.permissions` whether the actor may, and raises a French `ValidationError` (nothing changed) on bad
input or `PermissionDenied`. States change only through core's `transition()` (`NODE_MACHINE`,
`EVALUATION_MACHINE`).

- `versions`: the contract, its documents, the yearly plans and their copy;
- `nodes`: the tree, an action's status and progress;
- `items`: means, schedule, milestones, links;
- `indicators`: indicators and measurements (by hand, or computed daily);
- `evaluation`: the yearly evaluation, its consultation and adoption;
- `imports`: a CSV/XLSX file applied to a yearly plan.
"""

from maillage.plan.permissions import check_animator, commenting_structures
from maillage.plan.services.evaluation import (
    add_evaluation_comment,
    adopt_evaluation,
    backdate_consultation,
    conclude_evaluation,
    consultation_open,
    open_evaluation,
    plenary_choices,
)
from maillage.plan.services.imports import import_plan
from maillage.plan.services.indicators import (
    add_indicator,
    compute_measurements,
    metric_period,
    record_measurement,
    update_indicator,
    update_measurement,
)
from maillage.plan.services.items import (
    add_link,
    add_means,
    add_milestone,
    add_schedule_entry,
    delete_item,
    link_url,
    set_item_ref,
    update_means,
    update_milestone,
    update_schedule_entry,
)
from maillage.plan.services.nodes import (
    NODE_FIELDS,
    allowed_statuses,
    change_status,
    create_node,
    date_warnings,
    delete_node,
    set_node_ref,
    set_progress,
    update_node,
)
from maillage.plan.services.versions import (
    CONTRACT_FIELDS,
    add_contract_document,
    copy_version,
    create_version,
    save_contract,
)
from maillage.plan.values import MAX_VALUE, parse_progress, parse_value

__all__ = [
    "CONTRACT_FIELDS",
    "MAX_VALUE",
    "NODE_FIELDS",
    "add_contract_document",
    "add_evaluation_comment",
    "add_indicator",
    "add_link",
    "add_means",
    "add_milestone",
    "add_schedule_entry",
    "adopt_evaluation",
    "allowed_statuses",
    "backdate_consultation",
    "change_status",
    "check_animator",
    "commenting_structures",
    "compute_measurements",
    "conclude_evaluation",
    "consultation_open",
    "copy_version",
    "create_node",
    "create_version",
    "date_warnings",
    "delete_item",
    "delete_node",
    "import_plan",
    "link_url",
    "metric_period",
    "open_evaluation",
    "parse_progress",
    "parse_value",
    "plenary_choices",
    "record_measurement",
    "save_contract",
    "set_item_ref",
    "set_node_ref",
    "set_progress",
    "update_indicator",
    "update_means",
    "update_measurement",
    "update_milestone",
    "update_node",
    "update_schedule_entry",
]

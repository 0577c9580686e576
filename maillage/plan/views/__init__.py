"""Pages of the plan, by audience: `public` (the accountability page, a node, the roadmap, export and import),
`manage` (the animator's editing pages), `evaluation` (the yearly report, comments, conclusions)."""

from maillage.plan.views.evaluation import (
    evaluation_comment,
    evaluation_manage,
    evaluation_page,
    evaluation_pdf,
)
from maillage.plan.views.manage import (
    document_add,
    indicator_add,
    link_add,
    manage,
    means_add,
    measurement_add,
    milestone_add,
    node_create,
    node_edit,
    node_progress,
    node_status,
    schedule_add,
    version_create,
)
from maillage.plan.views.public import export, import_plan, index, node_detail, roadmap_page

__all__ = [
    "document_add",
    "evaluation_comment",
    "evaluation_manage",
    "evaluation_page",
    "evaluation_pdf",
    "export",
    "import_plan",
    "index",
    "indicator_add",
    "link_add",
    "manage",
    "means_add",
    "measurement_add",
    "milestone_add",
    "node_detail",
    "node_create",
    "node_edit",
    "node_progress",
    "node_status",
    "roadmap_page",
    "schedule_add",
    "version_create",
]

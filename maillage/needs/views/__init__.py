from maillage.needs.views.animation import categories, manage, merge, move, structures
from maillage.needs.views.public import (
    ConfirmNeedView,
    ConfirmSupportView,
    need_detail,
    need_list,
    need_map,
    report,
    support,
)

__all__ = [
    "ConfirmNeedView",
    "ConfirmSupportView",
    "categories",
    "manage",
    "merge",
    "move",
    "need_detail",
    "need_list",
    "need_map",
    "report",
    "structures",
    "support",
]

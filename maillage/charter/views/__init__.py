"""Pages of the charter, by use case. Thin: fetch through a scoped queryset, call one service, render or
redirect; the page contexts are built in `selectors.py`."""

from maillage.charter.views.amendments import amendment_detail, article_discussion
from maillage.charter.views.public import (
    certificate_pdf,
    charter_home,
    signatory_csv,
    signatory_list,
    structure_history,
    version_detail,
    version_diff,
    version_pdf,
)
from maillage.charter.views.signatures import sign, withdraw
from maillage.charter.views.versions import article_edit, manage, transition, version_edit

__all__ = [
    "amendment_detail",
    "article_discussion",
    "article_edit",
    "certificate_pdf",
    "charter_home",
    "manage",
    "sign",
    "signatory_csv",
    "signatory_list",
    "structure_history",
    "transition",
    "version_detail",
    "version_diff",
    "version_edit",
    "version_pdf",
    "withdraw",
]

from maillage.calls.views.applications import application_detail, apply, attachment, receipt, submit
from maillage.calls.views.criteria import criteria
from maillage.calls.views.fund import deliberation, grant_detail, grants
from maillage.calls.views.jury import invitation, jury_home, jury_manage, ranking, score
from maillage.calls.views.manage import call_edit, manage, review, review_list
from maillage.calls.views.public import call_detail, home, laureates, scdl
from maillage.calls.views.specification import spec_edit, specification

__all__ = [
    "application_detail",
    "apply",
    "attachment",
    "call_detail",
    "call_edit",
    "criteria",
    "deliberation",
    "grant_detail",
    "grants",
    "home",
    "invitation",
    "jury_home",
    "jury_manage",
    "laureates",
    "manage",
    "ranking",
    "receipt",
    "review",
    "review_list",
    "scdl",
    "score",
    "spec_edit",
    "specification",
    "submit",
]

from maillage.assessment.views.manage import campaign_page, grid_edit, manage, question_edit
from maillage.assessment.views.public import grid_page, home, territory_view
from maillage.assessment.views.sheets import results, results_pdf, sheet

__all__ = [
    "campaign_page",
    "grid_edit",
    "grid_page",
    "home",
    "manage",
    "question_edit",
    "results",
    "results_pdf",
    "sheet",
    "territory_view",
]

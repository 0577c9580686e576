"""Every write of the self-assessment, by use case (grids, campaigns, sheets, privacy)."""

from maillage.assessment.services.campaigns import close_campaign, open_campaign, reopen_campaign
from maillage.assessment.services.grids import (
    delete_question,
    editable_grid,
    install_default_grid,
    publish_grid,
    save_question,
    save_theme,
)
from maillage.assessment.services.privacy import erase_person, export_person
from maillage.assessment.services.sheets import (
    field_name,
    reopen_sheet,
    save_answers,
    set_sharing,
    start_sheet,
    submit_sheet,
)

__all__ = [
    "close_campaign",
    "delete_question",
    "editable_grid",
    "erase_person",
    "export_person",
    "field_name",
    "install_default_grid",
    "open_campaign",
    "reopen_sheet",
    "publish_grid",
    "reopen_campaign",
    "save_answers",
    "save_question",
    "save_theme",
    "set_sharing",
    "start_sheet",
    "submit_sheet",
]

"""Writes of actors, by use case. Every function is keyword-only, typed, and runs in one transaction.

This package re-exports every name its modules define, so that `from maillage.actors import services` and
`services.create_structure(…)` keep working.
"""

from maillage.actors.services.base import (
    ADDRESS_FIELDS,
    EDITABLE_FIELDS,
    PRACTICE_KIND,
    SEARCH_KIND,
    DuplicateStructure,
    _is_animation,
    _manager_emails,
    _mark_provenance,
    _moderation_emails,
    _set_sectors,
    clean_sectors,
    clean_structure_data,
    find_duplicate,
    for_history,
    unique_slug,
)
from maillage.actors.services.contact import (
    contact_recipients,
    record_error_report,
    report_error,
    resolve_error_report,
    send_contact_message,
)
from maillage.actors.services.geo import (
    schedule_geocoding,
    set_position,
)
from maillage.actors.services.imports import (
    IMPORT_MAX_BYTES,
    commit_import,
    import_task_ref,
    start_import,
)
from maillage.actors.services.indexing import (
    index_practice,
    index_structure,
    unindex_structure,
)
from maillage.actors.services.memberships import (
    _check_can_manage,
    _save_membership,
    add_membership,
    decide_management_request,
    hand_over_structure,
    record_management_request,
    remove_membership,
    request_management,
    territory_animators,
)
from maillage.actors.services.practices import (
    _clean_practice,
    save_practice,
)
from maillage.actors.services.structures import (
    _apply,
    _commit_changes,
    _current,
    _display,
    create_structure,
    decide_edit_proposal,
    delete_structure,
    record_edit_proposal,
    transition_structure,
    update_structure,
)

__all__ = [
    "DuplicateStructure",
    "clean_structure_data",
    "clean_sectors",
    "find_duplicate",
    "for_history",
    "unique_slug",
    "_is_animation",
    "_manager_emails",
    "_moderation_emails",
    "_set_sectors",
    "_mark_provenance",
    "SEARCH_KIND",
    "PRACTICE_KIND",
    "EDITABLE_FIELDS",
    "ADDRESS_FIELDS",
    "index_structure",
    "unindex_structure",
    "index_practice",
    "create_structure",
    "delete_structure",
    "record_edit_proposal",
    "_display",
    "_current",
    "_apply",
    "update_structure",
    "_commit_changes",
    "decide_edit_proposal",
    "transition_structure",
    "schedule_geocoding",
    "set_position",
    "request_management",
    "decide_management_request",
    "_check_can_manage",
    "add_membership",
    "_save_membership",
    "remove_membership",
    "territory_animators",
    "hand_over_structure",
    "record_management_request",
    "report_error",
    "resolve_error_report",
    "contact_recipients",
    "record_error_report",
    "send_contact_message",
    "_clean_practice",
    "save_practice",
    "start_import",
    "commit_import",
    "import_task_ref",
    "IMPORT_MAX_BYTES",
]

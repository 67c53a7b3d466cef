"""Every change in judging, each in a transaction that writes its audit event; see the modules for each part."""

from .assigning import assign_entry, auto_assign, knows_entrant, plan_for, rebalance, unassign
from .common import JudgingRefused, StaleScore
from .judges import (
    accept_invitation,
    add_to_panel,
    declare_conflict,
    invitation_for_token,
    invitation_link,
    invitation_token,
    invite_judge,
    remove_conflict,
    remove_from_panel,
    revoke_invitation,
    save_judge_profile,
)
from .rounds import (
    add_eligible_entries,
    advance_entries,
    close_round,
    create_round,
    delete_criterion,
    open_round,
    reopen_round,
    save_criterion,
    set_discussion,
    update_round,
)
from .scoring import record_play_progress, save_score, submit_score
from .screening import decide_screening, flag_ai_suspected, release_screening

__all__ = [
    "JudgingRefused",
    "StaleScore",
    "accept_invitation",
    "add_eligible_entries",
    "add_to_panel",
    "advance_entries",
    "assign_entry",
    "auto_assign",
    "close_round",
    "create_round",
    "decide_screening",
    "declare_conflict",
    "delete_criterion",
    "flag_ai_suspected",
    "invitation_for_token",
    "invitation_link",
    "invitation_token",
    "invite_judge",
    "knows_entrant",
    "open_round",
    "plan_for",
    "rebalance",
    "record_play_progress",
    "release_screening",
    "remove_conflict",
    "remove_from_panel",
    "reopen_round",
    "revoke_invitation",
    "save_criterion",
    "save_judge_profile",
    "save_score",
    "set_discussion",
    "submit_score",
    "unassign",
    "update_round",
]

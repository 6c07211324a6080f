"""Who may move a quality sheet or a CAPA action, and when (django-fsm permission callables)."""


def can_see_sheet(sheet, user) -> bool:
    return user.has_perm("quality.view_qualitysheet")


def is_leader(sheet, user) -> bool:
    return user.has_perm("quality.lead_qualitysheet")


def is_investigator(sheet, user) -> bool:
    return sheet.investigator_id == user.pk or user.has_perm("quality.lead_qualitysheet")


def can_sign(sheet, user) -> bool:
    return user.has_perm("quality.approve_qualitysheet") or (
        sheet.is_major and user.has_perm("quality.approve_major_qualitysheet")
    )


def is_clerk(sheet, user) -> bool:
    return user.has_perm("quality.distribute_qualitysheet")


def analysis_complete(sheet) -> bool:
    return bool(sheet.root_cause and sheet.analysis.strip() and sheet.proposed_disposal.strip())


def approvals_complete(sheet) -> bool:
    return sheet.approvals_complete()


def can_close_sheet(sheet) -> bool:
    return not sheet.blockers()


def capa_owner_or_leader(action, user) -> bool:
    return action.owner_id == user.pk or user.has_perm("quality.verify_capaaction")


def can_verify(action, user) -> bool:
    return user.has_perm("quality.verify_capaaction")

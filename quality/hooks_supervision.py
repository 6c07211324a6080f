"""Where supervision shows up outside its pages: the action page's origin panel, "my work", the start page."""


def capa_origin(request, action):
    """Return the check and finding a rectification notice came from, or False for any other action."""
    if not action.is_notice:
        return False
    from .models.supervision import CheckFinding

    finding = CheckFinding.objects.filter(notice=action).select_related("check_record", "check_record__unit").first()
    if finding is None or not request.user.has_perm("quality.view_supervisioncheck"):
        return False
    return {"finding": finding, "check": finding.check_record}


def register() -> None:
    from aftersales.home import register_home_card
    from complaints.work import register_work_section

    from .panels import register_capa_panel
    from .views.supervision import home_card, work_context

    register_capa_panel("quality/supervision_capa_panel.html", capa_origin, order=20)
    register_work_section(
        "quality/supervision_work.html", work_context, order=70, permission="quality.conduct_supervisioncheck"
    )
    register_home_card("quality/supervision_home.html", home_card, order=70)

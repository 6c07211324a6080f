"""What the training area registers at start-up: its "my work" section (upcoming and unrecorded sessions)."""


def register() -> None:
    from complaints.work import register_work_section

    from .views.training import work_context

    register_work_section("staff/training_work.html", work_context, order=85, permission="staff.manage_training")

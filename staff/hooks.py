"""What the staff app adds to lower apps' pages and to the outbox, registered at start-up."""

from . import hooks_care, hooks_ratings, hooks_rewards, hooks_scorecards, hooks_training


def register() -> None:
    from aftersales import outbox

    from . import emails

    outbox.register("staff", emails.deliver)
    for area in (hooks_scorecards, hooks_ratings, hooks_training, hooks_rewards, hooks_care):
        area.register()

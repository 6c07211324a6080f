"""What spare parts add to the apps below them (complaints, servicing) and to the stock service.

Those apps never import parts: they offer registration hooks, filled here from
``PartsConfig.ready``. Each area registers its own.
"""

from aftersales import outbox


def register() -> None:
    from . import emails, hooks_counts, hooks_requisitions

    outbox.register("parts", emails.deliver)
    hooks_requisitions.register()
    hooks_counts.register()
    register_purchasing()


def register_purchasing() -> None:
    """Reorder and safety alerts after each move; purchasing's "my work" and start-page alerts."""
    from aftersales.home import register_home_card
    from complaints.work import register_work_section

    from . import importers_purchasing, stock  # noqa: F401 — registers the imports
    from .services.reorder import after_move
    from .views import purchasing_work

    stock.register_after_move(after_move)
    register_work_section(
        "parts/purchasing/work.html", purchasing_work.work_context, order=70, permission="parts.change_purchaseplanline"
    )
    register_home_card("parts/purchasing/home_alerts.html", purchasing_work.home_alerts_card, order=50)
    register_home_card("parts/purchasing/home_work.html", purchasing_work.home_work_card, order=40)

"""What spare parts add to the apps below them (complaints, servicing) and to the stock service.

Those apps never import parts: they offer registration hooks, filled here from
``PartsConfig.ready``. Each area registers its own.
"""


def register() -> None:
    from . import hooks_counts, hooks_requisitions

    hooks_requisitions.register()
    hooks_counts.register()

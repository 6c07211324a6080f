"""Demo spare parts: warehouses, the catalogue, opening balances through a count, and the work on them.

Each area adds its own part below; a rerun finds what exists and adds nothing.
"""

import random

from django.utils.translation import gettext as _

from .demo_catalogue import seed_catalogue
from .demo_counts import seed_count_work, seed_opening
from .demo_purchasing import seed_purchasing
from .demo_requisitions import seed_requisitions
from .models import StockMove


def seed(*, stdout, style) -> None:
    rng = random.Random(11)
    parts, warehouses = seed_catalogue(rng)
    seed_opening(parts, warehouses)
    stdout.write(
        _("%(parts)s parts in %(warehouses)s warehouses") % {"parts": len(parts), "warehouses": len(warehouses)}
    )
    stdout.write(_("%(count)s parts requisitions") % {"count": seed_requisitions(parts, warehouses)})
    seed_count_work(parts, warehouses)
    stdout.write(_("%(suppliers)s suppliers, %(plans)s purchase plans") % seed_purchasing(rng, parts, warehouses))
    stdout.write(_("%(moves)s stock moves in the ledger") % {"moves": StockMove.objects.count()})

"""Prove that every balance follows from the ledger: ``python manage.py parts_check``."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parts.models import Part, Warehouse
from parts.stock import discrepancies


class Command(BaseCommand):
    help = "Compare, for every (part, warehouse), the sum of the stock ledger with the balance on hand."

    def handle(self, *args, **options):
        found = list(discrepancies())
        if not found:
            self.stdout.write(self.style.SUCCESS(_("Ledger and balances agree.")))
            return
        parts = Part.objects.in_bulk({row[0] for row in found})
        warehouses = Warehouse.objects.in_bulk({row[1] for row in found})
        for part_id, warehouse_id, total, on_hand in found:
            self.stdout.write(
                _("%(part)s in %(warehouse)s: ledger sum %(total)s, on hand %(on_hand)s")
                % {
                    "part": parts[part_id].code,
                    "warehouse": warehouses[warehouse_id].code,
                    "total": total,
                    "on_hand": "—" if on_hand is None else on_hand,
                }
            )
        raise CommandError(_("%(count)s balance(s) differ from the ledger.") % {"count": len(found)})

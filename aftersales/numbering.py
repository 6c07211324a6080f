"""Record numbers such as TS-202611-0001: gap-free per period and safe under concurrency."""

from django.db import IntegrityError, transaction

from .models import NumberSequence


def next_value(key: str) -> int:
    """Return the next value of the counter ``key``, locking its row until commit."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                NumberSequence.objects.get_or_create(key=key)
        except IntegrityError:
            pass  # another transaction created it first; the lock below waits for it
        sequence = NumberSequence.objects.select_for_update().get(key=key)
        sequence.last_value += 1
        sequence.save(update_fields=["last_value"])
        return sequence.last_value


def next_number(prefix: str, period: str, width: int = 4) -> str:
    """Return e.g. ``TS-202611-0001`` for prefix "TS" and period "202611"."""
    value = next_value(f"{prefix}-{period}")
    return f"{prefix}-{period}-{value:0{width}d}"

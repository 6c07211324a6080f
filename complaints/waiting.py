"""What complaints wait for, for pages and e-mail: :meth:`Complaint.waiting_on` plus the quality chain.

A company-caused complaint waits for its quality information sheet, which this app does not
import: the quality app registers a resolver from its ``AppConfig.ready`` that, given such
complaints, returns the steps their sheets wait for (or "raise a sheet" when there is none),
in a fixed number of queries.

Other apps add steps of their own the same way (:func:`register_steps`): service work says
that an out-of-warranty complaint waits for its repair quote to be sent or accepted.
"""

from collections.abc import Callable, Iterable

from aftersales.waiting import Directory, Owed

from .models import Complaint
from .models.complaint import QUALITY_APPROVAL, RAISE_SHEET

Resolver = Callable[[list[Complaint]], dict[int, list[Owed]]]
_RESOLVERS: list[Resolver] = []
_STEPS: list[Resolver] = []


def register_resolver(resolver: Resolver) -> None:
    if resolver not in _RESOLVERS:
        _RESOLVERS.append(resolver)


def register_steps(steps: Resolver) -> None:
    """Add ``steps(complaints) -> {complaint id: [Owed]}`` to what complaints wait for (one query a call)."""
    if steps not in _STEPS:
        _STEPS.append(steps)


def extra_steps(complaints: list[Complaint]) -> dict[int, list[Owed]]:
    """Return, per complaint id, the steps other apps add to the open ``complaints``."""
    found: dict[int, list[Owed]] = {}
    open_ones = [complaint for complaint in complaints if complaint.is_open]
    for steps in _STEPS if open_ones else []:
        for pk, owed in steps(open_ones).items():
            found.setdefault(pk, []).extend(owed)
    return found


def quality_steps(complaints: list[Complaint]) -> dict[int, list[Owed]]:
    """Return, per complaint id, the quality chain's step for company-caused ``complaints``."""
    found = {}
    for resolver in _RESOLVERS if complaints else []:
        found.update(resolver(complaints))
    return found


def needs_quality_sheet(complaint: Complaint) -> Owed | None:
    """Return the "raise a quality information sheet" step when ``complaint`` has no sheet yet."""
    owed = quality_steps([complaint]).get(complaint.pk, [])
    return next((item for item in owed if item.code == RAISE_SHEET), None)


def _refined(complaints: list[Complaint]) -> dict[int, list[Owed]]:
    return quality_steps([c for c in complaints if any(o.code == QUALITY_APPROVAL for o in c.waiting_on())])


def waiting_on(complaints: Iterable[Complaint]) -> dict[int, list[Owed]]:
    """Return, per complaint id, what each complaint waits for, the quality chain's step included."""
    complaints = list(complaints)
    refined = _refined(complaints)
    extra = extra_steps(complaints)
    result = {}
    for complaint in complaints:
        owed = []
        for item in complaint.waiting_on():
            owed += refined.get(complaint.pk, [item]) if item.code == QUALITY_APPROVAL else [item]
        result[complaint.pk] = owed + extra.get(complaint.pk, [])
    return result


def describe(complaints: Iterable[Complaint], directory: Directory | None = None) -> None:
    """Set ``waiting`` (the lines "who to do what") on each complaint, for a page."""
    complaints = list(complaints)
    directory = directory or Directory()
    owed = waiting_on(complaints)
    for complaint in complaints:
        complaint.waiting = [directory.describe(item) for item in owed[complaint.pk]]

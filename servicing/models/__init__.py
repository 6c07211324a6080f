"""Service work: visits, returns, follow-up calls and the knowledge base."""

from .commissioning import (  # noqa: F401
    ChecklistItem,
    CommissioningChecklist,
    CommissioningLine,
    CommissioningReport,
)
from .followups import FollowUp  # noqa: F401
from .knowledge import CaseSummary  # noqa: F401
from .plans import Finding, ServicePlan, VisitChase  # noqa: F401
from .property import CustomerProperty, PropertyMovement, PropertyPhoto  # noqa: F401
from .quotes import ClaimCost, Quote, QuoteLine  # noqa: F401
from .returns import ReturnRecord  # noqa: F401
from .visits import ServiceVisit  # noqa: F401

"""How the project-wide scope test (aftersales/tests/test_scope.py) fills each URL pattern.

Every named URL pattern of the project is registered here under its full name
(``namespace:name``) with a :class:`Fill` that builds its path parameters (and, for
search endpoints, its query) from one salesperson's records (:class:`Records` in
``scope_data``). The test walks the URLconf and fails on any pattern that is not
registered: a new page, fragment, download, print or export is added here, or in
``<app>/tests/scope_urls.py`` through :func:`register` (loaded for every installed app),
before it ships.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


def _nothing(records) -> dict:
    return {}


@dataclass(frozen=True)
class Fill:
    """Build the kwargs (and the GET query) of one URL pattern from one salesperson's records."""

    kwargs: Callable = _nothing
    query: Callable = _nothing
    # Pages that answer htmx requests with a fragment are fetched both ways.
    htmx: bool = False
    notes: str = field(default="", compare=False)


PAGE = Fill()
REGISTRY: dict[str, Fill] = {}

# The admin is for the quality managers and the after-sales manager (staff accounts with
# their own model permissions and the same visible_to querysets); sales have no staff
# access, which the test asserts on /admin/ itself instead of walking each admin URL.
EXCLUDED_NAMESPACES = {"admin": "the Django admin: staff only, sales are sent to the login (asserted separately)"}


def register(name: str, fill: Fill = PAGE) -> None:
    """Register how to fill the URL pattern ``name``; registering a name twice is a mistake."""
    if name in REGISTRY:
        raise ValueError(f"URL pattern {name!r} is registered twice")
    REGISTRY[name] = fill


def _search(value: str) -> str:
    """Return a search text that finds ``value`` without being it: a page may echo what was typed."""
    return value[:-2]


def _by(**names: str) -> Callable:
    """Return a kwargs builder mapping each URL parameter to an attribute path of the records."""

    def build(records) -> dict:
        values = {}
        for param, path in names.items():
            value = records
            for part in path.split("."):
                value = getattr(value, part)
            values[param] = value
        return values

    return build


# --- the project --------------------------------------------------------------------------------
for name in ("home", "login", "logout", "password_change", "password_change_done", "set_language"):
    register(name)
register("javascript-catalog", Fill(notes="the translation catalogue: no records"))

# --- customers ----------------------------------------------------------------------------------
CUSTOMER = _by(pk="customer.pk")
register("customers:list", Fill(htmx=True, query=lambda r: {"q": _search(r.customer.name)}))
register("customers:create")
for name in ("detail", "edit", "contacts", "contact_add", "deliveries", "delivery_add", "interactions"):
    register(f"customers:{name}", Fill(CUSTOMER))
register("customers:interaction_add", Fill(CUSTOMER))
register("customers:contact_edit", Fill(_by(pk="customer.pk", contact_pk="contact.pk")))
register("customers:delivery_edit", Fill(_by(pk="customer.pk", delivery_pk="delivery.pk")))

# --- complaints ---------------------------------------------------------------------------------
COMPLAINT = _by(number="complaint.number")
register("complaints:list", Fill(htmx=True, query=lambda r: {"q": _search(r.delivery.serial_number)}))
register("complaints:my_work")
register("complaints:create", Fill(query=lambda r: {"customer": r.customer.pk}))
register("complaints:lookup_customers", Fill(query=lambda r: {"q": _search(r.customer.name)}))
register("complaints:lookup_customer_pick", Fill(query=lambda r: {"customer": r.customer.pk}))
register("complaints:lookup_unit", Fill(query=lambda r: {"serial_number": _search(r.delivery.serial_number)}))
register("complaints:lookup_assignees", Fill(notes="handlers' names only: no customer records"))
register("complaints:customer_complaints", Fill(CUSTOMER))
register("complaints:detail", Fill(COMPLAINT))
register("complaints:attachment", Fill(_by(number="complaint.number", pk="attachment.pk")))
for name in (
    "respond",
    "start_analysis",
    "analysis",
    "submit_for_approval",
    "sign",
    "send_back",
    "close",
    "assign",
    "pause",
    "resume",
    "timetable",
    "attach",
    "reopen",
    "cancel",
):
    register(f"complaints:{name}", Fill(COMPLAINT))
register("servicing:visit_list", Fill(htmx=True))
register("servicing:visit_create", Fill(query=lambda r: {"complaint": r.complaint.number}))
for name in ("visit_detail", "visit_edit", "visit_accept", "visit_print"):
    register(f"servicing:{name}", Fill(_by(pk="visit.pk")))
register("servicing:return_list", Fill(htmx=True, query=lambda r: {"q": _search(r.delivery.serial_number)}))
register("servicing:return_create", Fill(query=lambda r: {"complaint": r.complaint.number}))
register("servicing:return_export")
register("servicing:return_edit", Fill(_by(pk="return_record.pk")))
register("servicing:follow_up_list", Fill(htmx=True))
register("servicing:follow_up", Fill(_by(number="closed_complaint.number")))
register("servicing:case_list", Fill(htmx=True, query=lambda r: {"q": r.case.keywords}))
register("servicing:case_detail", Fill(_by(pk="case.pk")))
register("servicing:case_edit", Fill(_by(pk="case.pk")))
register("servicing:case_summary", Fill(_by(number="closed_complaint.number")))
register("servicing:customer_visits", Fill(CUSTOMER))
register("servicing:customer_returns", Fill(CUSTOMER))
# Service plans: a plan of each salesperson's customer and its generated visit.
register("servicing:plan_list")
register("servicing:plan_create")
for name in ("plan_detail", "plan_edit", "plan_pause", "plan_resume", "plan_end"):
    register(f"servicing:{name}", Fill(_by(pk="plan.pk")))
register("servicing:finding_create", Fill(_by(pk="plan_visit.pk")))
# customer property and the unit history
PROPERTY = _by(pk="customer_property.pk")
register("servicing:property_list", Fill(htmx=True, query=lambda r: {"customer": _search(r.customer.name)}))
register("servicing:property_create")
register("servicing:property_detail", Fill(PROPERTY))
register("servicing:property_photo_add", Fill(PROPERTY, notes="POST only"))
register("servicing:property_photo", Fill(_by(pk="customer_property.pk", photo_pk="property_photo.pk")))
register("servicing:property_step", Fill(lambda r: {"pk": r.customer_property.pk, "step": "close"}, notes="POST only"))
register("servicing:customer_property", Fill(CUSTOMER))
register("servicing:unit_search", Fill(query=lambda r: {"serial": _search(r.delivery.serial_number)}))
register("servicing:unit_history", Fill(_by(serial="delivery.serial_number")))
# installation and commissioning
COMMISSIONING = _by(pk="commissioning.pk")
register("servicing:commissioning_list")
register("servicing:commissioning_dispatch", Fill(query=lambda r: {"delivery": r.delivery.pk}))
register("servicing:checklist_list", Fill(notes="product models and item counts: no customer records"))
register("servicing:checklist_edit", Fill(lambda r: {"model_pk": r.delivery.product_model_id}, notes="no records"))
for name in ("commissioning_results", "commissioning_complete", "commissioning_reopen", "commissioning_accept"):
    register(f"servicing:{name}", Fill(COMMISSIONING))
register("servicing:commissioning_print", Fill(COMMISSIONING))
# Repair quotes and claim costs
QUOTE = _by(pk="quote.pk")
register("servicing:quote_create", Fill(COMPLAINT))
for name in ("quote_detail", "quote_edit", "quote_send", "quote_answer", "quote_print"):
    register(f"servicing:{name}", Fill(QUOTE))
register("servicing:cost_list")
register("servicing:cost_export")
register("servicing:cost_edit", Fill(COMPLAINT))

# --- quality ------------------------------------------------------------------------------------
SHEET = _by(number="sheet.number")
ACTION = _by(number="action.number")
register("quality:workbench", Fill(htmx=True))
register("quality:sheet_raise", Fill(query=lambda r: {"complaint": r.open_complaint.number}))
register("quality:sheet_detail", Fill(SHEET))
register("quality:sheet_file", Fill(_by(number="sheet.number", pk="sheet_file.pk")))
for name in (
    "assign",
    "analysis",
    "submit_analysis",
    "review",
    "send_back",
    "sign",
    "distribute",
    "assess",
    "capa",
    "attach",
    "link",
    "close",
    "inform",
):
    register(f"quality:sheet_{name}", Fill(SHEET))
for name in ("acknowledge", "complete"):
    register(f"quality:task_{name}", Fill(_by(number="sheet.number", pk="task.pk")))
register("quality:capa_list", Fill(htmx=True))
register("quality:capa_create")
register("quality:capa_detail", Fill(ACTION))
register("quality:capa_notice", Fill(_by(number="notice.number")))
for name in ("complete", "plan", "check", "verify", "reply", "cancel"):
    register(f"quality:capa_{name}", Fill(ACTION))
register("quality:sheet_print", Fill(SHEET))
register("quality:eightd", Fill(SHEET))
register("quality:eightd_xlsx", Fill(SHEET))

# --- spare parts: requisitions ------------------------------------------------------------------
REQUISITION = _by(pk="requisition.pk")
register("parts:requisition_list", Fill(htmx=True))
register("parts:requisition_create", Fill(query=lambda r: {"complaint": r.complaint.number}))
for name in ("detail", "edit", "print"):
    register(f"parts:requisition_{name}", Fill(REQUISITION))
register("parts:requisition_step", Fill(lambda r: {"pk": r.requisition.pk, "step": "submit"}, notes="POST only"))
register("parts:part_lookup", Fill(query=lambda r: {"q": "PJ"}, notes="parts and their stock: no customer records"))
# --- spare parts --------------------------------------------------------------------------------
# The parts roles read every part; sales and quality get 403. A part of each side was issued
# for that side's complaint and visit ("where used").
PART = _by(pk="part.pk")
register("parts:catalogue", Fill(htmx=True, query=lambda r: {"q": _search(r.part.code)}))
register("parts:catalogue_export", Fill(query=lambda r: {"q": _search(r.part.code)}))
for name in ("part_detail", "part_photo", "ledger_export"):
    register(f"parts:{name}", Fill(PART, htmx=name == "part_detail"))
# --- parts: counts, transfers, scrap (warehouse records, not a salesperson's: sales may not open them)
for name in ("count_list", "count_create", "transfer_list", "transfer_create", "scrap_list", "scrap_create"):
    register(f"parts:{name}")
for name in ("count_detail", "count_variances", "count_print", "transfer_detail", "scrap_detail"):
    register(f"parts:{name}", Fill(lambda r: {"pk": 1}, notes="a warehouse document: refused to sales"))
register("parts:count_action", Fill(lambda r: {"pk": 1, "action": "submit"}, notes="POST only"))
register("parts:scrap_action", Fill(lambda r: {"pk": 1, "action": "submit"}, notes="POST only"))

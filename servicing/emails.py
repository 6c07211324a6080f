"""One function per message of service work; templates in templates/emails/servicing_* and property_*.

The outbox stores a message's kind and its record's id; ``deliver`` loads the record
afresh (it may have changed since the message was written) and sends.
"""

from aftersales import emails, roles
from customers.models import Contact

from .models import CommissioningReport, CustomerProperty, Quote, ServiceVisit


def _managers():
    return roles.holders(roles.AFTERSALES_MANAGER)


def visit_overdue(visit: ServiceVisit) -> int:
    """Chase the engineer (and tell the after-sales manager) about a planned visit not done in time."""
    if visit.actual_end is not None:
        return 0  # done since the reminder was written: nothing to chase
    people = [visit.engineer, *_managers()]
    return emails.send("servicing_visit_overdue", emails.addresses(people), {"visit": visit})


def commissioning_dispatched(visit: ServiceVisit) -> int:
    """Tell the engineer where and when to install and commission the unit."""
    return emails.send("servicing_commissioning_dispatched", emails.addresses([visit.engineer]), {"visit": visit})


def commissioning_accepted(report: CommissioningReport) -> int:
    """Tell the customer's salesperson that the customer accepted the commissioning."""
    salesperson = report.visit.customer.salesperson
    recipients = emails.addresses([salesperson] if salesperson else [])
    return emails.send("servicing_commissioning_accepted", recipients, {"report": report})


def property_loss(record: CustomerProperty) -> int:
    """Tell the customer's primary contact that their goods in our hands were lost or damaged."""
    contact = record.customer.contacts.filter(is_primary=True).first()
    if contact is None or not contact.email:
        return 0
    return emails.send("property_loss", [contact.email], {"record": record, "contact": contact})


def quote_sent(quote: Quote, contact: int) -> int:
    """Send the repair quote to the contact it was addressed to (chosen when it was sent)."""
    contact = Contact.objects.get(pk=contact)
    if not contact.email:
        return 0
    return emails.send("servicing_quote_sent", [contact.email], {"quote": quote, "contact": contact})


def _visit(pk):
    return ServiceVisit.objects.select_related("customer", "engineer", "plan", "delivery__product_model").get(pk=pk)


def _report(pk):
    related = ("visit__customer__salesperson", "visit__delivery__product_model")
    return CommissioningReport.objects.select_related(*related).get(pk=pk)


def _quote(pk):
    return Quote.objects.select_related("complaint__customer", "sent_by").get(pk=pk)


def _property(pk):
    return CustomerProperty.objects.select_related("customer", "product_model").get(pk=pk)


# kind → (load the record by id, send)
MESSAGES = {
    "visit_overdue": (_visit, visit_overdue),
    "commissioning_dispatched": (_visit, commissioning_dispatched),
    "commissioning_accepted": (_report, commissioning_accepted),
    "property_loss": (_property, property_loss),
    "quote_sent": (_quote, quote_sent),
}


def deliver(kind: str, object_id: int, extra: dict) -> int:
    """Send the outbox's service-work notification ``kind``; return the count sent."""
    load, send = MESSAGES[kind]
    return send(load(object_id), **extra)

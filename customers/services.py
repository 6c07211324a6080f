"""Every write to the customer ledger."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from aftersales.audit import record_change

from .models import Contact, Customer, Delivery, Interaction
from .permissions import can_edit


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _changed(instance, data: dict) -> list[str]:
    """Set ``data`` on ``instance``; return the names of the fields whose value changed."""
    if instance._state.adding:
        # A new row has no related objects to compare yet (reading them would raise).
        changed = list(data)
    else:
        changed = [name for name, value in data.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, data[name])
    return changed


@transaction.atomic
def customer_create(*, actor, **data) -> Customer:
    """Open a customer file (建档). Sales staff without the all-customers right own it."""
    _require(actor.has_perm("customers.add_customer"))
    if not actor.has_perm("customers.view_all_customers"):
        data["salesperson"] = actor
    customer = Customer(**data)
    customer.full_clean()
    customer.save()
    record_change(actor=actor, obj=customer, added=True)
    return customer


@transaction.atomic
def customer_update(*, actor, customer: Customer, **data) -> Customer:
    _require(can_edit(actor, customer))
    if not actor.has_perm("customers.view_all_customers"):
        data.pop("salesperson", None)  # sales staff cannot hand their customer to someone else
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    changed = _changed(customer, data)
    if changed:
        customer.full_clean()
        customer.save()
        record_change(actor=actor, obj=customer, fields=changed)
    return customer


@transaction.atomic
def contact_save(*, actor, customer: Customer, contact: Contact | None = None, **data) -> Contact:
    """Add a contact to a customer, or change one; one primary contact at most."""
    adding = contact is None
    _require(can_edit(actor, customer, "customers.add_contact" if adding else "customers.change_contact"))
    _require(adding or contact.customer_id == customer.pk)
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    contact = Contact(customer=customer) if adding else Contact.objects.select_for_update().get(pk=contact.pk)
    changed = _changed(contact, data)
    if contact.is_primary:
        # Demote the previous primary first so the one-primary constraint holds.
        Contact.objects.filter(customer=customer, is_primary=True).exclude(pk=contact.pk).update(is_primary=False)
    contact.full_clean()
    contact.save()
    record_change(actor=actor, obj=contact, added=adding, fields=changed)
    return contact


@transaction.atomic
def delivery_save(*, actor, customer: Customer, delivery: Delivery | None = None, **data) -> Delivery:
    """Record what was delivered; the warranty end follows from the model's period."""
    adding = delivery is None
    _require(can_edit(actor, customer, "customers.add_delivery" if adding else "customers.change_delivery"))
    _require(adding or delivery.customer_id == customer.pk)
    delivery = Delivery(customer=customer) if adding else Delivery.objects.select_for_update().get(pk=delivery.pk)
    changed = _changed(delivery, data)
    delivery.warranty_end = delivery.compute_warranty_end()
    delivery.full_clean()
    delivery.save()
    record_change(actor=actor, obj=delivery, added=adding, fields=changed)
    return delivery


@transaction.atomic
def interaction_log(*, actor, customer: Customer, **data) -> Interaction:
    """Register a call, letter, visit, e-mail or online message from or to the customer."""
    _require(can_edit(actor, customer, "customers.add_interaction"))
    contact = data.get("contact")
    if contact is not None and contact.customer_id != customer.pk:
        raise PermissionDenied
    interaction = Interaction(customer=customer, handled_by=actor, **data)
    interaction.full_clean()
    interaction.save()
    return interaction


# -- bulk writes of the spreadsheet imports (customers.importers) ----------------------
#
# The importer has checked every row, rights included, and looked up what exists; these
# write a batch with a few queries inside the import's transaction and leave the same
# admin-log entries as the single-record services above.


def _bulk_update(model, objects, fields, **kwargs) -> None:
    if objects and fields:
        model.objects.bulk_update(objects, sorted(fields), batch_size=1000, **kwargs)


CUSTOMER_COLUMNS = [
    "code",
    "name",
    "tier",
    "industry",
    "region",
    "address",
    "salesperson",
    "relationship",
    "notes",
    "is_active",
    "created_at",
    "updated_at",
]
CONTACT_COLUMNS = ["customer", "name", "phone", "email", "gender", "role", "is_primary", "relationship", "interests"]


def customers_import(*, actor, records, log, now) -> None:
    """Write a checked batch of customer rows and the primary contacts they name.

    New customers and their contacts go in as plain rows (``aftersales.bulk``), then their
    ids are read back by code; changed customers are saved with ``bulk_update``.
    """
    from aftersales.bulk import db_datetime, insert_rows

    new = [record for record in records if record.action == "create"]
    if new:
        stamp = db_datetime(now)
        default = {name: Customer._meta.get_field(name).get_default() for name in ("relationship", "is_active")}
        default_tier = Customer._meta.get_field("tier").get_default()
        rows = []
        for record in new:
            values = record.extra["values"]
            rows.append(
                (
                    values["code"],
                    values["name"],
                    values.get("tier_id") or default_tier,
                    values.get("industry", ""),
                    values.get("region", ""),
                    values.get("address", ""),
                    values.get("salesperson_id"),
                    values.get("relationship") or default["relationship"],
                    values.get("notes", ""),
                    values.get("is_active", default["is_active"]),
                    stamp,
                    stamp,
                )
            )
        insert_rows(Customer, CUSTOMER_COLUMNS, rows)
        ids = dict(
            Customer.objects.filter(code__in=[record.extra["values"]["code"] for record in new]).values_list(
                "code", "id"
            )
        )
        contacts = []
        contact_name = Contact._meta.verbose_name
        for record in new:
            values = record.extra["values"]
            record.extra["pk"] = pk = ids[values["code"]]
            related = ()
            if "new_contact" in record.extra:
                name, phone = record.extra["new_contact"]
                contacts.append((pk, name, phone, "", "", "", True, "", ""))
                related = ((contact_name, f"{name} {phone}".strip()),)
            # One entry per new customer, naming the contact added with it (as an inline would).
            log.add_row(Customer, pk, f"{values['name']} ({values['code']})", added=True, with_related=related)
        insert_rows(Contact, CONTACT_COLUMNS, contacts)
    changed = [record for record in records if record.action == "update" and record.extra["changed"]]
    fields = {name for record in changed for name in record.extra["changed"]}
    for record in changed:
        record.instance.updated_at = now
    _bulk_update(Customer, [record.instance for record in changed], fields | {"updated_at"})
    for record in changed:
        log.add(record.instance, added=False, fields=record.extra["changed"])
    _write_contacts(
        [
            (record.instance, record.extra["contact"], record.extra["contact_changed"])
            for record in records
            if "contact" in record.extra
        ],
        log,
    )


def _write_contacts(items, log) -> None:
    """Save contacts named primary by an import, demoting the customer's previous primary first."""
    items = [(customer, contact, changed) for customer, contact, changed in items if changed]
    if not items:
        return
    primary_of = {customer.pk for customer, contact, changed in items if "is_primary" in changed}
    keep = [contact.pk for _customer, contact, _changed in items if contact.pk]
    if primary_of:
        Contact.objects.filter(customer_id__in=primary_of, is_primary=True).exclude(pk__in=keep).update(
            is_primary=False
        )
    new, updated, fields = [], [], set()
    for customer, contact, changed in items:
        if contact.pk is None:
            contact.customer = customer
            new.append(contact)
        else:
            updated.append(contact)
            fields.update(changed)
    Contact.objects.bulk_create(new, batch_size=1000)
    _bulk_update(Contact, updated, fields)
    for contact in new:
        log.add(contact, added=True)
    # By identity: "contact not in new" compares model instances by pk, one by one (quadratic).
    added = {id(contact) for contact in new}
    for _customer, contact, changed in items:
        if id(contact) not in added:
            log.add(contact, added=False, fields=changed)


def contacts_import(*, actor, records, log) -> None:
    """Write a checked batch of contact rows; a row naming a primary contact demotes the previous one."""
    items = [
        (record.instance.customer, record.instance, record.extra["changed"])
        for record in records
        if record.action != "unchanged"
    ]
    primary_of = {
        contact.customer_id for _c, contact, changed in items if contact.is_primary and "is_primary" in changed
    }
    keep = [contact.pk for _c, contact, _changed in items if contact.pk]
    if primary_of:
        Contact.objects.filter(customer_id__in=primary_of, is_primary=True).exclude(pk__in=keep).update(
            is_primary=False
        )
    new = [contact for _c, contact, _changed in items if contact.pk is None]
    updated = [contact for _c, contact, _changed in items if contact.pk is not None]
    fields = {name for _c, contact, changed in items if contact.pk is not None for name in changed}
    _bulk_update(Contact, updated, fields)
    Contact.objects.bulk_create(new, batch_size=1000)
    for record in records:
        if record.action == "create":
            log.add(record.instance, added=True)
        elif record.action == "update":
            log.add(record.instance, added=False, fields=record.extra["changed"])


def deliveries_import(*, actor, records, log) -> None:
    """Write a checked batch of delivery rows; each row's warranty end is already computed."""
    new = [record.instance for record in records if record.action == "create"]
    changed = [record for record in records if record.action == "update"]
    fields = {name for record in changed for name in record.extra["changed"]}
    _bulk_update(Delivery, [record.instance for record in changed], fields | {"warranty_end"} if fields else set())
    Delivery.objects.bulk_create(new, batch_size=1000)
    for record in records:
        if record.action == "create":
            log.add(record.instance, added=True)
        elif record.action == "update":
            log.add(record.instance, added=False, fields=record.extra["changed"])

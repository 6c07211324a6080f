"""Customer property (顾客财产): receive, move, return, record and report a loss, close."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from aftersales import outbox
from aftersales.numbering import next_number
from aftersales.uploads import check_upload

from ..models import CustomerProperty, PropertyMovement, PropertyPhoto
from ..models.property import NUMBER_PREFIX

__all__ = [
    "property_receive",
    "property_move",
    "property_return",
    "property_record_loss",
    "property_report_loss",
    "property_close",
    "property_photo_add",
    "may_see_property_of",
]


def may_see_property_of(user, customer) -> bool:
    """Return whether ``user`` may see the property of ``customer`` (sales: their own customers)."""
    if not user.is_authenticated or not user.has_perm("servicing.view_customerproperty"):
        return False
    return user.has_perm("servicing.view_all_customerproperty") or customer.salesperson_id == user.pk


def _locked(record: CustomerProperty, actor) -> CustomerProperty:
    record = CustomerProperty.objects.select_for_update().select_related("customer").get(pk=record.pk)
    if not may_see_property_of(actor, record.customer):
        raise PermissionDenied
    return record


def _run(record: CustomerProperty, name: str, actor) -> None:
    """Check the state and the role of transition ``name``, then run it."""
    method = getattr(record, name)
    if not can_proceed(method, check_conditions=False):
        raise ValidationError(
            _("%(number)s is %(state)s; this step is not possible now."),
            params={"number": record.number, "state": record.get_state_display()},
            code="state",
        )
    if not method._django_fsm.has_transition_perm(record, record.state, actor):
        raise PermissionDenied
    method()


def _holder_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _date_problems(day: datetime.date | None, field: str, *, not_before: datetime.datetime, what: str) -> None:
    if day is None:
        raise ValidationError(_("Give the date."), code=field)
    if day > timezone.localdate():
        raise ValidationError(_("%(what)s cannot be in the future.") % {"what": what}, code=field)
    if day < timezone.localtime(not_before).date():
        raise ValidationError(
            _("%(what)s cannot be before the goods were received (%(date)s).")
            % {"what": what, "date": f"{timezone.localtime(not_before):%Y-%m-%d}"},
            code=field,
        )


def _check_links(actor, customer, complaint, visit) -> None:
    if not may_see_property_of(actor, customer):
        raise PermissionDenied
    if complaint is not None and complaint.customer_id != customer.pk:
        raise ValidationError(_("The complaint belongs to another customer."), code="complaint_number")
    if visit is not None and visit.customer_id != customer.pk:
        raise ValidationError(_("The service visit belongs to another customer."), code="visit")


@transaction.atomic
def property_receive(
    *,
    actor,
    customer,
    description: str,
    condition: str,
    storage_place: str,
    quantity: int = 1,
    complaint=None,
    visit=None,
    product_model=None,
    serial_number: str = "",
    received_at: datetime.datetime | None = None,
    photos: list | None = None,
) -> CustomerProperty:
    """Record goods of the customer taken in for repair or testing; the receiver holds them."""
    if not actor.has_perm("servicing.add_customerproperty"):
        raise PermissionDenied
    _check_links(actor, customer, complaint, visit)
    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        raise ValidationError(_("The goods cannot be received in the future."), code="received_at")
    for upload in photos or []:
        check_upload(upload)
    record = CustomerProperty(
        number=next_number(NUMBER_PREFIX, f"{timezone.localtime(received_at):%Y%m}"),
        customer=customer,
        complaint=complaint,
        visit=visit,
        product_model=product_model,
        serial_number=serial_number.strip().upper(),
        description=description,
        condition=condition,
        quantity=quantity,
        storage_place=storage_place,
        custodian=actor,
        received_by=actor,
        received_at=received_at,
    )
    record.full_clean(exclude=["state"])
    record.save()
    PropertyMovement.objects.create(
        item=record,
        moved_at=received_at,
        from_holder=customer.name,
        to_holder=actor,
        to_holder_name=_holder_name(actor),
        to_place=storage_place,
        reason=_("Received from the customer"),
        recorded_by=actor,
    )
    for upload in photos or []:
        _store_photo(actor, record, upload)
    return record


@transaction.atomic
def property_move(
    *, actor, record: CustomerProperty, to_holder=None, to_place: str, reason: str, moved_at=None
) -> PropertyMovement:
    """Hand the goods on (to the test lab, the repair shop, back to store) and log who, where, when, why."""
    if not actor.has_perm("servicing.change_customerproperty"):
        raise PermissionDenied
    record = _locked(record, actor)
    if record.state != CustomerProperty.State.IN_CUSTODY:
        raise ValidationError(_("Only goods in our custody can change hands."), code="state")
    moved_at = moved_at or timezone.now()
    if moved_at > timezone.now():
        raise ValidationError(_("A custody change cannot be in the future."), code="moved_at")
    if moved_at < record.received_at:
        raise ValidationError(_("A custody change cannot be before the goods were received."), code="moved_at")
    if not reason.strip() or not to_place.strip():
        raise ValidationError(_("Say where the goods go and why."), code="reason")
    if to_holder is not None and not (to_holder.is_active and to_holder.has_perm("servicing.change_customerproperty")):
        raise ValidationError(
            _("%(name)s may not hold customer property."), params={"name": to_holder}, code="to_holder"
        )
    holder = record.custodian
    movement = PropertyMovement.objects.create(
        item=record,
        moved_at=moved_at,
        from_holder=_holder_name(holder),
        from_place=record.storage_place,
        to_holder=to_holder,
        to_holder_name=_holder_name(to_holder),
        to_place=to_place.strip(),
        reason=reason.strip(),
        recorded_by=actor,
    )
    record.custodian = to_holder or holder
    record.storage_place = to_place.strip()
    record.save(update_fields=["custodian", "storage_place"])
    return movement


@transaction.atomic
def property_return(
    *, actor, record: CustomerProperty, returned_to: str, returned_on: datetime.date
) -> CustomerProperty:
    """Hand the goods back; the customer signs with name and date (not before receipt, not in the future)."""
    record = _locked(record, actor)
    _run(record, "return_to_customer", actor)
    if not returned_to.strip():
        raise ValidationError(_("Write the name of whoever signed for the goods."), code="returned_to")
    _date_problems(returned_on, "returned_on", not_before=record.received_at, what=_("The return date"))
    record.returned_to, record.returned_on, record.returned_by = returned_to.strip(), returned_on, actor
    holder = record.custodian
    record.custodian = None
    record.save()
    PropertyMovement.objects.create(
        item=record,
        from_holder=_holder_name(holder),
        from_place=record.storage_place,
        to_holder_name=returned_to.strip(),
        to_place=record.customer.name,
        reason=_("Returned to the customer"),
        recorded_by=actor,
    )
    return record


@transaction.atomic
def property_record_loss(
    *,
    actor,
    record: CustomerProperty,
    loss_kind: str,
    loss_found_on: datetime.date,
    loss_found_by: str,
    loss_description: str,
) -> CustomerProperty:
    """Record that the goods were lost or damaged; the customer must then be told."""
    record = _locked(record, actor)
    _run(record, "record_loss", actor)
    if loss_kind not in CustomerProperty.LossKind.values:
        raise ValidationError(_("Say whether the goods were lost or damaged."), code="loss_kind")
    if not loss_found_by.strip() or not loss_description.strip():
        raise ValidationError(_("Say who found it and what happened."), code="loss_description")
    _date_problems(loss_found_on, "loss_found_on", not_before=record.received_at, what=_("The date found"))
    record.loss_kind, record.loss_found_on = loss_kind, loss_found_on
    record.loss_found_by, record.loss_description = loss_found_by.strip(), loss_description.strip()
    record.loss_recorded_by = actor
    record.save()
    return record


def primary_contact(customer):
    return customer.contacts.filter(is_primary=True).first()


@transaction.atomic
def property_report_loss(
    *, actor, record: CustomerProperty, report_method: str, reported_to: str = "", report_note: str = ""
) -> CustomerProperty:
    """Record how and when the customer was told of the loss; by e-mail, write the e-mail to the outbox."""
    if not actor.has_perm("servicing.record_loss_customerproperty"):
        raise PermissionDenied
    record = _locked(record, actor)
    if record.state != CustomerProperty.State.LOST:
        raise ValidationError(_("Only a recorded loss or damage is reported."), code="state")
    if record.reported_at is not None:
        raise ValidationError(_("This loss was already reported to the customer."), code="reported")
    if report_method not in CustomerProperty.ReportMethod.values:
        raise ValidationError(_("Say how the customer was told."), code="report_method")
    if report_method == CustomerProperty.ReportMethod.EMAIL:
        contact = primary_contact(record.customer)
        if contact is None or not contact.email:
            raise ValidationError(
                _("The customer has no primary contact with an e-mail address; report it another way."),
                code="report_method",
            )
        reported_to = f"{contact.name} <{contact.email}>"
        outbox.enqueue("servicing.property_loss", record.pk, key=f"servicing.property_loss:{record.pk}")
    elif not reported_to.strip():
        raise ValidationError(_("Write whom you told."), code="reported_to")
    record.report_method, record.reported_to, record.report_note = report_method, reported_to.strip(), report_note
    record.reported_at, record.reported_by = timezone.now(), actor
    record.save()
    return record


@transaction.atomic
def property_close(*, actor, record: CustomerProperty) -> CustomerProperty:
    """Close the record: only after a return or a reported loss."""
    record = _locked(record, actor)
    if record.state == CustomerProperty.State.IN_CUSTODY:
        raise ValidationError(
            _("Customer property is closed only after its return or a recorded loss or damage."), code="state"
        )
    if record.loss_unreported:
        raise ValidationError(_("Report the loss or damage to the customer before closing."), code="state")
    _run(record, "close", actor)
    record.closed_by = actor
    record.save()
    return record


def _store_photo(actor, record, upload) -> PropertyPhoto:
    content_type = check_upload(upload)
    photo = PropertyPhoto(
        item=record,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    photo.file.save(upload.name, upload, save=False)
    photo.save()
    return photo


@transaction.atomic
def property_photo_add(*, actor, record: CustomerProperty, uploads: list) -> list[PropertyPhoto]:
    """Add photos or files of the goods; every file is checked before any is stored."""
    if not (
        actor.has_perm("servicing.change_customerproperty") or actor.has_perm("servicing.record_loss_customerproperty")
    ):
        raise PermissionDenied
    record = _locked(record, actor)
    for upload in uploads:
        check_upload(upload)
    return [_store_photo(actor, record, upload) for upload in uploads]

"""Show a sheet to a user without what belongs to customers the user does not see.

The rule is written in :mod:`quality.managers`. :func:`mask_sheet` changes the loaded
instance for display only: call it on the way to a template or report, after every
service has run, and never save a masked sheet.
"""

from django.db.models import Q
from django.utils.translation import gettext

from customers.permissions import can_see


def sees_all_customers(user) -> bool:
    return user.has_perm("customers.view_all_customers")


def sees_customer(user, customer) -> bool:
    """Return whether ``user`` may see ``customer``; a sheet without a customer hides nothing."""
    return customer is None or can_see(user, customer)


def mask_sheet(sheet, user):
    """Blank the customer, batch and serial of a sheet whose customer ``user`` does not see, and the scope note.

    Set ``customer_hidden`` so pages can say that the sheet belongs to another customer.
    """
    if sheet is None or getattr(sheet, "masked_for", None) == user.pk:
        return sheet
    sheet.customer_hidden = not sees_customer(user, sheet.customer)
    if sheet.customer_hidden:
        sheet.customer = None
        sheet.batch_number = ""
        sheet.serial_number = ""
    if not sees_all_customers(user):
        # Free text naming the other customers, batches and serials the problem may reach.
        sheet.scope_note = ""
    sheet.masked_for = user.pk
    return sheet


def mask_sheets(sheets, user) -> list:
    """Mask each sheet of ``sheets`` (rows of a list) for ``user``; return them as a list."""
    rows = list(sheets)
    for sheet in rows:
        mask_sheet(sheet, user)
    return rows


def mask_action(action, user):
    """Mask the sheet of ``action`` for ``user`` and set ``sheet_visible``: whether ``user`` may open that sheet.

    An owner outside the sheet's audience (warehouse, purchasing) reads its number and problem, not a link.
    """
    from .models import QualitySheet

    if action.sheet_id is not None:
        action.sheet_visible = QualitySheet.objects.visible_to(user).filter(pk=action.sheet_id).exists()
        mask_sheet(action.sheet, user)
    else:
        action.sheet_visible = False
    return action


# Fields of a sheet's history that name a customer, a unit or the other customers affected.
CUSTOMER_FIELDS = {"customer", "batch_number", "serial_number", "scope_note"}


def split_complaints(complaints, user) -> tuple[list, int]:
    """Return the complaints whose customer ``user`` sees, and how many others there are."""
    rows = list(complaints)
    shown = [complaint for complaint in rows if sees_customer(user, complaint.customer)]
    return shown, len(rows) - len(shown)


def visible_files(sheet, user, files):
    """Filter a sheet's evidence ``files`` (a queryset) to those ``user`` may see.

    A linked complaint's attachments become the sheet's files (the stored file is shared),
    so a file copied from a complaint of a customer the user does not see is left out; on a
    sheet of such a customer only the files of the user's own complaints and uploads remain.
    ``sheet`` must not be masked.
    """
    from complaints.models import Attachment

    if sees_all_customers(user):
        return files
    links = sheet.complaint_links.select_related("complaint__customer")
    shown, _hidden = split_complaints([link.complaint for link in links], user)
    shown_names = Attachment.objects.filter(complaint__in=shown).values("file")
    if not sees_customer(user, sheet.customer):
        return files.filter(Q(file__in=shown_names) | Q(uploaded_by=user))
    hidden = Attachment.objects.filter(complaint__quality_link__sheet=sheet).exclude(complaint__in=shown)
    return files.exclude(file__in=hidden.values("file").exclude(file__in=shown_names))


def event_note(event, user, hidden_numbers: set, shown_file_names: set) -> str:
    """Return the note of a sheet event as ``user`` may read it."""
    if event.action == event.Action.COMPLAINT and event.note in hidden_numbers:
        return gettext("A complaint of another customer was linked.")
    if event.action == event.Action.FILE and not sees_all_customers(user) and event.note not in shown_file_names:
        return gettext("A file of another customer's complaint.")
    return event.note


def event_changes(event, user) -> list:
    """Return the field changes of an event ``user`` may read: no customers, units or scope for sales."""
    if sees_all_customers(user):
        return event.changes
    return [change for change in event.changes or [] if change.get("field") not in CUSTOMER_FIELDS]

"""Who sees which quality sheets and actions, and what of them.

Every page, htmx fragment, download, print and export of the quality app scopes its rows
with these methods, and shows a sheet through :mod:`quality.sight`:

* Sheets. Whoever may view sheets and sees every complaint (the quality group,
  after-sales, the approvers, management) sees every sheet. Anyone else (sales) sees the
  sheets of their own customers, those they raised, those with a department task of
  theirs, and those linked to one of their own customers' complaints: a *shared* sheet,
  which answers several customers' complaints of one problem.
* Actions. Whoever may view actions and sees every sheet sees every action. Anyone else
  who may view actions sees those of the sheets they see and those answering no sheet (a
  supervision check, a survey, an audit: they belong to no customer). Everyone sees the
  actions they own or opened: the owner of an action needs no quality role to see and
  work on it (warehouse, purchasing).
* What belongs to a customer (its name and code, the batch and serial of its unit, its
  complaints' numbers, their evidence files) is shown only to those who see that
  customer (``customers.permissions.can_see``). On a shared sheet a salesperson sees
  their own customer's complaints and only a count of the other customers'; on a sheet
  of another customer, the customer, batch and serial are left out.
* The affected scope (other deliveries of the batch and model) and the sheet's free-text
  scope note name other customers: their rows and the note go only to those who see every
  customer (``customers.view_all_customers``: the quality group, after-sales,
  management); everyone else sees their own customers' rows and a count of the others.
"""

from django.db import models
from django.db.models import Q


def _sees_every_sheet(user) -> bool:
    return user.has_perm("quality.view_qualitysheet") and user.has_perm("complaints.view_all_complaints")


class QualitySheetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Scope to the sheets ``user`` may see (see the module docstring)."""
        from .models import DepartmentTask, SheetComplaint

        if not user.is_authenticated:
            return self.none()
        if _sees_every_sheet(user):
            return self
        linked = SheetComplaint.objects.filter(complaint__customer__salesperson=user).values("sheet_id")
        tasks = DepartmentTask.objects.filter(owner=user).values("sheet_id")
        return self.filter(Q(customer__salesperson=user) | Q(raised_by=user) | Q(pk__in=linked) | Q(pk__in=tasks))


class CapaActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Scope to the actions ``user`` may see (see the module docstring)."""
        from .models import QualitySheet

        if not user.is_authenticated:
            return self.none()
        if user.has_perm("quality.view_capaaction") and _sees_every_sheet(user):
            return self
        mine = Q(owner=user) | Q(created_by=user)
        if user.has_perm("quality.view_capaaction"):
            mine |= Q(sheet__isnull=True) | Q(sheet__in=QualitySheet.objects.visible_to(user).values("pk"))
        return self.filter(mine)

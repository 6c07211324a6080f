"""Object-level rules of the ledger: a model permission plus sight of the customer."""

from .models import Customer


def can_see(user, customer: Customer) -> bool:
    if not user.has_perm("customers.view_customer"):
        return False
    return user.has_perm("customers.view_all_customers") or customer.salesperson_id == user.pk


def can_edit(user, customer: Customer, perm: str = "customers.change_customer") -> bool:
    """Return whether ``user`` holds ``perm`` and may see ``customer``.

    Sales staff see only their own customers, so this also keeps them to their own.
    """
    return user.has_perm(perm) and can_see(user, customer)

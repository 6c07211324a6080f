"""The visits and returns tabs of the customer page (registered in complaints/tabs.py)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from customers.selectors import customer_get, paginate

from .. import selectors


def _tab(request, pk, template, rows, add_perm):
    customer = customer_get(user=request.user, pk=pk)
    page = paginate(rows(user=request.user, customer=customer), request.GET, selectors.TAB_PAGE_SIZE)
    context = {"customer": customer, "page": page, "can_add": request.user.has_perm(add_perm)}
    return render(request, template, context)


@login_required
@permission_required("servicing.view_servicevisit", raise_exception=True)
def customer_visits(request, pk):
    return _tab(request, pk, "servicing/tabs/visits.html", selectors.customer_visits, "servicing.add_servicevisit")


@login_required
@permission_required("servicing.view_returnrecord", raise_exception=True)
def customer_returns(request, pk):
    return _tab(request, pk, "servicing/tabs/returns.html", selectors.customer_returns, "servicing.add_returnrecord")

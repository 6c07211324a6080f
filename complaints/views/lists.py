"""The complaint list, the "my work" queue and the customer page's complaints tab."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from aftersales.keyset import query_without_page
from aftersales.waiting import Directory
from customers.selectors import customer_get

from .. import selectors, waiting, work
from .common import view_required, with_sla


@login_required
@view_required
def complaint_list(request):
    complaint_filter, complaints = selectors.complaint_list(user=request.user, filters=request.GET)
    page = selectors.paginate(complaints, request.GET)
    with_sla(page.object_list)
    context = {"filter": complaint_filter, "page": page, "query": query_without_page(request)}
    template = "complaints/_table.html" if request.htmx else "complaints/list.html"
    return render(request, template, context)


@login_required
def my_work(request):
    """Show what waits on the user: their complaints and the sections other apps add.

    Staff who never handle complaints (the warehouse keeper, purchasing) still have a queue
    here when another app's section has work for them.
    """
    if not request.user.has_perm("complaints.view_complaint"):
        if not any(work.section_applies(request, s) for s in work.registered()):
            raise PermissionDenied
        context = {"sections": work.sections_for(request), "complaint_queue": False}
        return render(request, "complaints/my_work.html", context)
    only = request.GET.get("only", "")
    only = only if only in selectors.QUEUE_COUNTS else ""
    page = selectors.paginate(selectors.my_work(user=request.user, only=only), request.GET)
    in_quality = selectors.waiting_in_quality(user=request.user)
    with_sla([*page.object_list, *in_quality])
    # One directory and one pass for both lists: the same rule as the complaint page says who acts next.
    waiting.describe([*page.object_list, *in_quality], Directory())
    context = {
        "page": page,
        "in_quality": in_quality,
        "counts": selectors.my_work_counts(user=request.user),
        "only": only,
        "query": f"only={only}" if only else "",
        "sections": work.sections_for(request),
        "complaint_queue": True,
    }
    return render(request, "complaints/my_work.html", context)


@login_required
@view_required
def customer_complaints(request, pk):
    """Return the complaints tab of the customer page (an htmx partial)."""
    customer = customer_get(user=request.user, pk=pk)
    rows = selectors.customer_complaints(user=request.user, customer=customer)
    page = selectors.paginate(rows, request.GET, selectors.TAB_PAGE_SIZE)
    with_sla(page.object_list)
    return render(request, "complaints/tabs/customer_complaints.html", {"customer": customer, "page": page})

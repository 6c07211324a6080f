"""Pages around a complaint: service visits, returns, follow-up calls, knowledge base, customer tabs."""

from django.core.exceptions import ValidationError

from aftersales.keyset import query_without_page
from customers.selectors import paginate

__all__ = ["add_service_errors", "list_context"]


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        # A date problem's code is the name of its field (complaints.dates).
        for item in error.error_list:
            form.add_error(item.code if item.code in form.fields else None, item)


def list_context(request, filterset, rows, per_page) -> dict:
    """Return what a filtered, paginated list page needs: the filter, the page and the query."""
    page = paginate(rows, request.GET, per_page)
    return {"filter": filterset, "page": page, "query": query_without_page(request)}

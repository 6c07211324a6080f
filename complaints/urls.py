from django.urls import path, register_converter

from .forms import ACTION_FORMS
from .views import actions, detail, intake, lists, lookups


class NumberConverter:
    """A complaint number such as TS-202611-0001; other first segments stay free for other pages."""

    regex = r"[A-Z]{2}-\d{6}-\d{4,}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(NumberConverter, "complaint_number")

app_name = "complaints"

urlpatterns = [
    path("", lists.complaint_list, name="list"),
    path("mine/", lists.my_work, name="my_work"),
    path("new/", intake.complaint_create, name="create"),
    path("lookup/customers/", lookups.customer_search, name="lookup_customers"),
    path("lookup/customer/", lookups.customer_pick, name="lookup_customer_pick"),
    path("lookup/unit/", lookups.unit_lookup, name="lookup_unit"),
    path("lookup/assignees/", lookups.assignee_search, name="lookup_assignees"),
    path("customer/<int:pk>/complaints/", lists.customer_complaints, name="customer_complaints"),
    path("<complaint_number:number>/", detail.complaint_detail, name="detail"),
    path("<complaint_number:number>/files/<int:pk>/", detail.attachment_download, name="attachment"),
    *(
        path(f"<complaint_number:number>/{name}/", actions.complaint_action, {"action": name}, name=name)
        for name in ACTION_FORMS
    ),
]

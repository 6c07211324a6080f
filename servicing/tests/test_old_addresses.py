"""The addresses service pages had under /complaints/ redirect permanently to their pages under /service/."""

import pytest
from django.urls import resolve, reverse

NUMBER = "TS-202611-0001"
MOVED = [
    ("/complaints/visits/", "servicing:visit_list", {}),
    ("/complaints/visits/new/", "servicing:visit_create", {}),
    ("/complaints/visits/7/", "servicing:visit_detail", {"pk": 7}),
    ("/complaints/visits/7/edit/", "servicing:visit_edit", {"pk": 7}),
    ("/complaints/visits/7/print/", "servicing:visit_print", {"pk": 7}),
    ("/complaints/returns/", "servicing:return_list", {}),
    ("/complaints/returns/new/", "servicing:return_create", {}),
    ("/complaints/returns/export/", "servicing:return_export", {}),
    ("/complaints/returns/7/edit/", "servicing:return_edit", {"pk": 7}),
    ("/complaints/follow-ups/", "servicing:follow_up_list", {}),
    ("/complaints/knowledge/", "servicing:case_list", {}),
    ("/complaints/knowledge/7/", "servicing:case_detail", {"pk": 7}),
    ("/complaints/knowledge/7/edit/", "servicing:case_edit", {"pk": 7}),
    ("/complaints/customer/7/visits/", "servicing:customer_visits", {"pk": 7}),
    ("/complaints/customer/7/returns/", "servicing:customer_returns", {"pk": 7}),
    (f"/complaints/{NUMBER}/follow-up/", "servicing:follow_up", {"number": NUMBER}),
    (f"/complaints/{NUMBER}/case-summary/", "servicing:case_summary", {"number": NUMBER}),
]


@pytest.mark.parametrize(("old", "name", "kwargs"), MOVED)
def test_an_old_address_redirects_permanently_with_its_query(client, old, name, kwargs):
    response = client.get(old, {"complaint": NUMBER})

    assert response.status_code == 301
    assert response["Location"] == f"{reverse(name, kwargs=kwargs)}?complaint={NUMBER}"


@pytest.mark.parametrize(
    ("address", "name"),
    [
        ("/complaints/", "complaints:list"),
        ("/complaints/new/", "complaints:create"),
        (f"/complaints/{NUMBER}/", "complaints:detail"),
        (f"/complaints/{NUMBER}/close/", "complaints:close"),
        ("/complaints/customer/7/complaints/", "complaints:customer_complaints"),
    ],
)
def test_the_complaint_pages_keep_their_addresses(address, name):
    assert resolve(address).view_name == name

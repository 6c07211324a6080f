"""Service work on the complaint page: the case summary asked for when closing, and shown once closed."""

import datetime

from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint

# The complaint pages' own helpers; their fixtures cast and world come through conftest.py.
from complaints.tests.test_views import (
    _analyse_and_submit,
    _close_fields,
    _intake,
    act,
    make_complaint,
    reload,
)

from ..models import CaseSummary


def test_customer_caused_general_complaint_goes_from_intake_to_close(cast, world, client_for):
    sales, engineer, manager = client_for(cast.sales), client_for(cast.engineer), client_for(cast.manager)
    sales.post(reverse("complaints:create"), _intake(world))
    complaint = Complaint.objects.get()

    _analyse_and_submit(engineer, complaint)
    assert reload(complaint).state == Complaint.State.AWAITING_APPROVAL
    assert act(manager, complaint, "sign", note="同意").status_code == 302
    assert reload(complaint).state == Complaint.State.RECTIFYING
    response = act(engineer, complaint, "close", **_close_fields())

    complaint = reload(complaint)
    assert response.status_code == 302
    assert complaint.state == Complaint.State.CLOSED
    assert (complaint.assignee, complaint.manager_approved_by) == (cast.engineer, cast.manager)
    assert complaint.first_responded_at is not None
    summary = CaseSummary.objects.get(complaint=complaint)
    assert (summary.cause, summary.keyword_list()) == ("操作顺序错误", ["断路器", "合闸"])
    page = engineer.get(complaint.get_absolute_url()).content.decode()
    assert 'data-testid="case-summary"' in page
    assert 'data-sla="met"' in page


def test_close_with_a_future_acceptance_date_keeps_the_complaint_open_and_the_summary_typed(cast, world, client_for):
    complaint = make_complaint(cast.engineer, world.customer)
    engineer = client_for(cast.engineer)
    _analyse_and_submit(engineer, complaint)
    act(client_for(cast.manager), complaint, "sign", note="")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    response = act(engineer, complaint, "close", **_close_fields(acceptance_date=tomorrow, cause="独特的原因描述"))

    form = next(p["form"] for p in response.context["panels"] if p["name"] == "close")
    assert "acceptance_date" in form.errors
    assert "独特的原因描述" in response.content.decode()
    assert reload(complaint).state == Complaint.State.RECTIFYING
    assert not CaseSummary.objects.exists()


def test_sales_closes_their_customers_complaint_without_a_case_summary(cast, world, client_for):
    complaint = make_complaint(cast.engineer, world.customer)
    _analyse_and_submit(client_for(cast.engineer), complaint)
    act(client_for(cast.manager), complaint, "sign", note="")
    fields = {k: v for k, v in _close_fields().items() if k not in ("problem", "cause", "solution", "keywords")}

    response = act(client_for(cast.sales), complaint, "close", **fields)

    assert response.status_code == 302
    assert reload(complaint).state == Complaint.State.CLOSED
    assert not CaseSummary.objects.exists()

"""The admin of service work: returns, case summaries and visit acceptance through the services."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from aftersales import roles
from complaints.models import Complaint, ComplaintEvent
from complaints.tests.factories import ComplaintFactory

from ..models import CaseSummary
from .factories import ReturnRecordFactory, ServiceVisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user, client_for):
    """Return a function giving an admin client for a staff user holding ``role`` (and the user)."""

    def get(role=None, username=None, superuser=False):
        user = make_user(
            *([role] if role else []),
            username=username or f"staff_{role or 'admin'}",
            is_staff=True,
            is_superuser=superuser,
        )
        return client_for(user), user

    return get


def _texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_quality_clerk_records_what_became_of_a_return_through_the_service(staff):
    client, clerk = staff(roles.QUALITY_CLERK)
    record = ReturnRecordFactory(requested_on=datetime.date(2026, 11, 2))
    url = reverse("admin:servicing_returnrecord_change", args=[record.pk])
    data = {"quantity": 1, "reason": record.reason, "decision": "accepted", "outcome": "scrap"}
    data.update({"requested_on": "2026-11-02", "received_on": "2026-11-05", "serial_number": "", "batch_number": ""})

    assert client.post(url, data).status_code == 302
    record.refresh_from_db()
    assert (record.decision, record.outcome) == ("accepted", "scrap")
    assert record.complaint.events.filter(action=ComplaintEvent.Action.RETURN, actor=clerk).exists()

    data["received_on"] = "2026-11-01"
    response = client.post(url, data)
    assert "received_on" in response.context["adminform"].form.errors
    assert client.post(reverse("admin:servicing_returnrecord_delete", args=[record.pk])).status_code == 403


def test_case_summary_is_revised_through_the_service(staff, people):
    client, _manager = staff(roles.AFTERSALES_MANAGER)
    complaint = ComplaintFactory(state=Complaint.State.CLOSED, analysed=True, accepted=True)
    summary = CaseSummary.objects.create(
        complaint=complaint,
        category="quality",
        problem="异响",
        cause="润滑不足",
        solution="加注润滑脂",
        written_by=people.engineer,
    )
    url = reverse("admin:servicing_casesummary_change", args=[summary.pk])
    data = {"category": "quality", "problem": "合闸异响", "cause": "润滑不足", "solution": "加注润滑脂"}

    assert client.post(url, {**data, "keywords": "异响 润滑"}).status_code == 302
    summary.refresh_from_db()
    assert (summary.problem, summary.keyword_list(), summary.written_by) == (
        "合闸异响",
        ["异响", "润滑"],
        people.engineer,
    )
    assert client.get(reverse("admin:servicing_casesummary_add")).status_code == 403


def test_internal_acceptance_action_archives_complete_visits_only(staff):
    client, manager = staff(roles.AFTERSALES_MANAGER)
    start = timezone.now() - datetime.timedelta(hours=5)
    done = ServiceVisitFactory(
        planned_start=start,
        actual_start=start,
        actual_end=start + datetime.timedelta(hours=2),
        work_done="更换密封圈",
        customer_acceptance_name="王工",
    )
    planned = ServiceVisitFactory()
    url = reverse("admin:servicing_servicevisit_changelist")

    response = client.post(url, {"action": "accept_internal", "_selected_action": [done.pk, planned.pk]}, follow=True)

    done.refresh_from_db()
    planned.refresh_from_db()
    assert done.internal_accepted_by == manager
    assert planned.internal_accepted_at is None
    assert len(_texts(response)) == 2


@pytest.mark.parametrize("model", ["servicevisit", "returnrecord", "followup", "casesummary"])
def test_changelists_render_for_a_superuser(staff, model):
    client, _admin = staff(superuser=True)
    assert client.get(reverse(f"admin:servicing_{model}_changelist")).status_code == 200

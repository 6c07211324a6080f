"""Visit updates in the complaint timeline: translated labels, old → new values, nothing when nothing changed."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from complaints.models import Complaint, ComplaintEvent
from complaints.tests.factories import ComplaintFactory

from .. import services
from ..models import ServiceVisit
from .factories import ServiceVisitFactory

pytestmark = pytest.mark.django_db

BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def _timeline(client, complaint) -> str:
    page = client.get(complaint.get_absolute_url()).content.decode()
    return re.search(r'data-testid="timeline">(.*?)</ol>', page, re.S).group(1)


@pytest.fixture
def visit(people, customer):
    complaint = ComplaintFactory(customer=customer, assignee=people.engineer, state=Complaint.State.RECTIFYING)
    return ServiceVisitFactory(
        complaint=complaint,
        customer=customer,
        engineer=people.engineer,
        dispatched_by=people.manager,
        planned_start=datetime.datetime(2026, 11, 10, 9, 0, tzinfo=BEIJING),
    )


def _record(people, visit, **data):
    values = {
        "actual_start": datetime.datetime(2026, 11, 10, 9, 30, tzinfo=BEIJING),
        "actual_end": datetime.datetime(2026, 11, 10, 11, 45, tzinfo=BEIJING),
        "result": ServiceVisit.Result.RESOLVED,
        "work_done": "更换合闸线圈",
    }
    return services.visit_save(actor=people.engineer, visit=visit, **{**values, **data})


def test_visit_update_shows_labels_and_old_and_new_values_in_the_readers_language(people, visit, client_for):
    _record(people, visit, engineer=people.other_engineer)
    client = client_for(people.engineer)

    chinese = _timeline(client, visit.complaint)
    assert "实际开始时间" in chinese and "实际结束时间" in chinese
    assert "2026-11-10 09:30" in chinese and "2026-11-10 11:45" in chinese
    assert "待处理" in chinese and "已解决" in chinese  # the result's choices by their labels
    assert str(people.engineer) in chinese and str(people.other_engineer) in chinese
    assert "actual_start" not in chinese and "result" not in chinese

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _timeline(client, visit.complaint)
    assert "Actual start" in english and "Resolved" in english and "Pending" in english
    assert "实际开始时间" not in english


def test_the_stored_changes_hold_field_names_and_values_not_translated_text(people, visit):
    _record(people, visit)
    event = ComplaintEvent.objects.get(complaint=visit.complaint, action=ComplaintEvent.Action.VISIT)
    assert event.note == ""
    by_field = {change["field"]: change for change in event.changes}
    assert by_field["result"] == {
        "model": "servicing.servicevisit",
        "field": "result",
        "old": "pending",
        "new": "resolved",
    }
    assert by_field["actual_start"]["old"] is None
    stored = datetime.datetime.fromisoformat(by_field["actual_start"]["new"])
    assert stored == datetime.datetime(2026, 11, 10, 9, 30, tzinfo=BEIJING)


def test_saving_an_unchanged_visit_writes_no_event(people, visit):
    _record(people, visit)
    events = ComplaintEvent.objects.filter(complaint=visit.complaint)
    before = events.count()
    _record(people, visit)
    assert events.count() == before


def test_saving_an_unchanged_visit_through_the_page_writes_no_event(people, visit, client_for):
    _record(people, visit)
    events = ComplaintEvent.objects.filter(complaint=visit.complaint)
    before = events.count()
    data = {
        "engineer": people.engineer.pk,
        "kind": visit.kind,
        "place": visit.place,
        "people": "",
        "planned_start": "2026-11-10T09:00",
        "planned_end": "",
    }
    response = client_for(people.engineer).post(reverse("servicing:visit_edit", args=[visit.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    assert events.count() == before

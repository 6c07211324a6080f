"""Field updates in the complaint timeline: translated labels, old → new values, nothing when nothing changed."""

import re
from types import SimpleNamespace

import pytest
from django.contrib.admin import site as admin_site
from django.test import RequestFactory
from django.utils import translation

from .. import services
from ..models import Complaint, ComplaintEvent
from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def _timeline(client, complaint) -> str:
    page = client.get(complaint.get_absolute_url()).content.decode()
    return re.search(r'data-testid="timeline">(.*?)</ol>', page, re.S).group(1)


def test_analysis_update_records_choice_labels_and_nothing_when_unchanged(people, customer, client_for):
    complaint = ComplaintFactory(customer=customer, assignee=people.engineer, state=Complaint.State.ANALYSING)
    data = {"responsibility": Complaint.Responsibility.CUSTOMER, "responsibility_reason": "客户自行接线错误"}
    services.complaint_update_analysis(actor=people.engineer, complaint=complaint, **data)
    services.complaint_update_analysis(actor=people.engineer, complaint=complaint, **data)

    events = ComplaintEvent.objects.filter(complaint=complaint, action=ComplaintEvent.Action.UPDATED)
    assert events.count() == 1
    timeline = _timeline(client_for(people.engineer), complaint)
    assert "责任判定" in timeline and "顾客原因" in timeline and "判定依据" in timeline
    assert "客户自行接线错误" in timeline
    assert "responsibility_reason" not in timeline


def test_admin_correction_records_what_changed(people, customer):
    complaint = ComplaintFactory(customer=customer, title="开关柜异响")
    request = RequestFactory().post("/")
    request.user = people.manager
    complaint.title = "开关柜运行异响"
    admin_site._registry[Complaint].save_model(request, complaint, SimpleNamespace(changed_data=["title"]), True)

    event = ComplaintEvent.objects.get(complaint=complaint, action=ComplaintEvent.Action.UPDATED)
    assert [(c["field"], c["old"], c["new"]) for c in event.changes] == [("title", "开关柜异响", "开关柜运行异响")]
    with translation.override("en"):
        assert [str(line) for line in event.change_lines] == ["Subject: 开关柜异响 → 开关柜运行异响"]


def test_admin_save_without_changes_writes_no_event(people, customer):
    complaint = ComplaintFactory(customer=customer)
    request = RequestFactory().post("/")
    request.user = people.manager
    admin_site._registry[Complaint].save_model(request, complaint, SimpleNamespace(changed_data=[]), True)
    assert not ComplaintEvent.objects.filter(complaint=complaint, action=ComplaintEvent.Action.UPDATED).exists()

"""Real threads on PostgreSQL: record numbers stay unique and gap-free, an approval is signed once."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django_fsm import ConcurrentTransition

from aftersales.tests.threads import run_together
from complaints import services
from complaints.models import Complaint, ComplaintEvent
from complaints.services.complaint import _locked
from customers.models import Customer

from .factories import ComplaintFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RECEIVED = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_complaints_received_at_once_get_distinct_consecutive_numbers(people, customer):
    def receive(n):
        return lambda: services.complaint_create(
            actor=people.engineer, customer=customer, title=f"异响 {n}", description="合闸异响", received_at=RECEIVED
        )

    outcomes = run_together(*(receive(n) for n in range(8)))
    assert not [o for o in outcomes if isinstance(o, Exception)]
    numbers = sorted(complaint.number for complaint in outcomes)
    assert numbers == [f"TS-202611-{n:04d}" for n in range(1, 9)]
    assert Complaint.objects.count() == 8


def test_two_managers_signing_the_same_approval_at_once_sign_it_once(people, customer):
    complaint = ComplaintFactory(
        customer=customer, state=Complaint.State.AWAITING_APPROVAL, analysed=True, assignee=people.engineer
    )
    managers = [people.manager, people.second_manager]
    outcomes = run_together(
        *(lambda m=m: services.complaint_sign_approval(actor=m, complaint=complaint) for m in managers)
    )

    signed = [o for o in outcomes if isinstance(o, Complaint)]
    refused = [o for o in outcomes if isinstance(o, ValidationError | ConcurrentTransition)]
    assert (len(signed), len(refused)) == (1, 1), outcomes
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.RECTIFYING
    assert complaint.manager_approved_by in managers
    assert ComplaintEvent.objects.filter(complaint=complaint, action=ComplaintEvent.Action.APPROVAL).count() == 1
    assert ComplaintEvent.objects.filter(complaint=complaint, action=ComplaintEvent.Action.TRANSITION).count() == 1


def test_two_engineers_starting_the_same_complaint_at_once_start_it_once(people, customer):
    complaint = ComplaintFactory(customer=customer, state=Complaint.State.RECEIVED, assignee=None)
    engineers = [people.engineer, people.other_engineer]
    outcomes = run_together(
        *(lambda e=e: services.complaint_start_analysis(actor=e, complaint=complaint) for e in engineers)
    )

    started = [o for o in outcomes if isinstance(o, Complaint)]
    assert len(started) == 1, outcomes
    assert isinstance(next(o for o in outcomes if o not in started), ValidationError | ConcurrentTransition)
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.ANALYSING
    assert complaint.assignee == started[0].assignee
    assert ComplaintEvent.objects.filter(complaint=complaint, action=ComplaintEvent.Action.TRANSITION).count() == 1


def test_a_locked_complaint_leaves_its_customer_free(people, customer):
    complaint = ComplaintFactory(customer=customer, state=Complaint.State.RECEIVED, assignee=people.engineer)
    locked, release = threading.Event(), threading.Event()

    def hold_the_complaint():
        try:
            with transaction.atomic():
                _locked(complaint)  # the lock every complaint service takes first
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_complaint)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        with transaction.atomic():
            Customer.objects.select_for_update(nowait=True).get(pk=customer.pk)  # raises if it were locked too
    finally:
        release.set()
        holder.join()

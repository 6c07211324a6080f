"""Factories of service work records."""

import datetime

import factory
from django.utils import timezone

from aftersales.tests.factories import UserFactory
from complaints.models import Complaint
from complaints.tests.factories import ComplaintFactory
from customers.tests.factories import CustomerFactory, ProductModelFactory

from ..models import FollowUp, ReturnRecord, ServiceVisit


class ServiceVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceVisit

    complaint = factory.SubFactory(ComplaintFactory)
    customer = factory.LazyAttribute(lambda o: o.complaint.customer if o.complaint else CustomerFactory())
    engineer = factory.SubFactory(UserFactory)
    dispatched_by = factory.SubFactory(UserFactory)
    planned_start = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    place = "客户现场"


class ReturnRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnRecord

    complaint = factory.SubFactory(ComplaintFactory)
    customer = factory.LazyAttribute(lambda o: o.complaint.customer if o.complaint else CustomerFactory())
    product_model = factory.SubFactory(ProductModelFactory)
    reason = "外壳运输破损"
    requested_on = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SubFactory(UserFactory)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    complaint = factory.SubFactory(ComplaintFactory, state=Complaint.State.CLOSED)
    called_at = factory.LazyFunction(timezone.now)
    satisfaction = 5
    called_by = factory.SubFactory(UserFactory)

"""Factories of the complaints app.

A complaint's stage is set through the constructor (``ComplaintFactory(state=...)``),
never by calling transitions: the state field is protected. The stage traits fill in
what a complaint in that stage already holds (analysis, signatures, acceptance).
"""

import datetime

import factory
from django.utils import timezone

from aftersales.models import NumberSequence
from aftersales.tests.factories import UserFactory
from customers.tests.factories import CustomerFactory

from .. import clock
from ..models import Complaint


def _period(moment) -> str:
    return f"{timezone.localtime(moment):%Y%m}"


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    class Params:
        analysed = factory.Trait(
            responsibility=Complaint.Responsibility.CUSTOMER,
            responsibility_reason="用户未按说明书操作，导致断路器误动作",
            disposal=Complaint.Disposal.GUIDANCE,
            disposal_plan="上门培训操作人员",
        )
        company_caused = factory.Trait(
            responsibility=Complaint.Responsibility.COMPANY,
            responsibility_reason="出厂接线错误",
            disposal=Complaint.Disposal.REPAIR,
        )
        accepted = factory.Trait(
            acceptance_name="王工",
            acceptance_date=factory.LazyFunction(timezone.localdate),
            reply_to_customer="已上门调整并培训，设备运行正常。",
        )

    received_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    number = factory.LazyAttributeSequence(lambda o, n: f"TS-{_period(o.received_at)}-{n + 1:04d}")
    state = Complaint.State.RECEIVED
    customer = factory.SubFactory(CustomerFactory)
    received_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"开关柜异响 {n}")
    description = "客户反映合闸时有异常响声。"
    closed_at = factory.LazyAttribute(lambda o: timezone.now() if o.state == Complaint.State.CLOSED else None)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("first_response_due_at") is None:
            severity = kwargs.get("severity") or Complaint._meta.get_field("severity").default
            d = clock.deadlines(clock.policy_for(severity), kwargs["received_at"])
            kwargs.setdefault("first_response_risk_at", d.response_risk)
            kwargs["first_response_due_at"] = d.response_due
            kwargs.setdefault("resolution_risk_at", d.resolution_risk)
            kwargs.setdefault("resolution_due_at", d.resolution_due)
        complaint = super()._create(model_class, *args, **kwargs)
        _keep_counter_ahead(complaint.number)
        return complaint


def _keep_counter_ahead(number: str) -> None:
    """Move the number counter past a factory number so complaint_create never repeats it."""
    key, value = number.rsplit("-", 1)
    sequence, _created = NumberSequence.objects.get_or_create(key=key)
    if sequence.last_value < int(value):
        sequence.last_value = int(value)
        sequence.save(update_fields=["last_value"])

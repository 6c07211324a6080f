"""Factories of the quality app.

A sheet's or an action's stage is set through the constructor
(``QualitySheetFactory(state=..., approved=True)``), never by calling transitions: the
state fields are protected. The traits fill in what a record in that stage already holds.
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from aftersales.models import NumberSequence
from aftersales.tests.factories import UserFactory
from complaints.models import Complaint, Severity
from customers.tests.factories import CustomerFactory, ProductModelFactory

from ..models import Assessment, CapaAction, CapaSource, DepartmentTask, QualitySheet, RootCause


def _in_days(days: int):
    return factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=days))


def _share_counter(number: str) -> str:
    """Return ``number``, or the counter's next one if a service got there first; move the counter past it.

    Factories and services then never hand out the same number.
    """
    key, value = number.rsplit("-", 1)
    sequence, _created = NumberSequence.objects.get_or_create(key=key)
    value = max(int(value), sequence.last_value + 1)
    sequence.last_value = value
    sequence.save(update_fields=["last_value"])
    return f"{key}-{value:0{len(number) - len(key) - 1}d}"


class _NumberedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs["number"] = _share_counter(kwargs["number"])
        return super()._create(model_class, *args, **kwargs)


class QualitySheetFactory(_NumberedFactory):
    class Meta:
        model = QualitySheet

    class Params:
        analysed = factory.Trait(
            root_cause=RootCause.PRODUCTION,
            analysis="装配工序漏装弹簧垫圈，运输振动后螺栓松动",
            proposed_disposal="更换该批次全部紧固件并复检",
        )
        reviewed = factory.Trait(
            analysed=True,
            reviewed_by=factory.SubFactory(UserFactory),
            reviewed_at=factory.LazyFunction(timezone.now),
        )
        # Every signature the sheet needs: the deputy's, and the general manager's when major.
        approved = factory.Trait(
            reviewed=True,
            approved_by=factory.SubFactory(UserFactory),
            approved_at=factory.LazyFunction(timezone.now),
            gm_approved_by=factory.Maybe(
                factory.SelfAttribute("is_major_sheet"), factory.SubFactory(UserFactory), None
            ),
            gm_approved_at=factory.Maybe(factory.SelfAttribute("is_major_sheet"), factory.LazyFunction(timezone.now)),
        )
        is_major_sheet = factory.LazyAttribute(lambda o: o.severity == Severity.MAJOR)

    number = factory.Sequence(lambda n: f"QI-2026-{n + 1:04d}")
    state = QualitySheet.State.DRAFT
    source = QualitySheet.Source.FIELD
    title = factory.Sequence(lambda n: f"断路器合闸异响 {n}")
    description = "现场反映合闸时有异常响声，拆检发现螺栓松动。"
    severity = Severity.GENERAL
    customer = factory.SubFactory(CustomerFactory)
    product_model = factory.SubFactory(ProductModelFactory)
    batch_number = "B2026-01"
    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")
    raised_by = factory.SubFactory(UserFactory)
    raised_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    distributed_at = factory.LazyAttribute(
        lambda o: (
            timezone.now()
            if o.state in (QualitySheet.State.DISTRIBUTED, QualitySheet.State.IN_PROGRESS, QualitySheet.State.CLOSED)
            else None
        )
    )
    closed_at = factory.LazyAttribute(lambda o: timezone.now() if o.state == QualitySheet.State.CLOSED else None)


class DepartmentTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepartmentTask

    sheet = factory.SubFactory(QualitySheetFactory, state=QualitySheet.State.DISTRIBUTED, approved=True)
    department = "生产部"
    owner = factory.SubFactory(UserFactory, department="生产部")
    requirement = "复检库存同批次产品的紧固件"
    due_date = _in_days(7)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    sheet = factory.SubFactory(QualitySheetFactory, state=QualitySheet.State.IN_PROGRESS, approved=True)
    department = "生产部"
    person_name = "装配班组"
    value = Decimal(2)
    recorded_by = factory.SubFactory(UserFactory)


class CapaActionFactory(_NumberedFactory):
    class Meta:
        model = CapaAction

    class Params:
        # A rectification notice (整改通知单) from a monthly service-quality check.
        notice = factory.Trait(
            source=CapaSource.SUPERVISION,
            sheet=None,
            source_reference="2026年11月服务质量检查",
            notice_unit="华东服务站",
            notice_findings="回访记录不全",
            reply_deadline=_in_days(10),
        )
        completed = factory.Trait(
            state=CapaAction.State.COMPLETED,
            completed_at=factory.LazyFunction(timezone.now),
            completion_note="已更换紧固件并增加扭矩检查工序",
            verification_due=factory.LazyAttribute(
                lambda o: timezone.localdate(o.completed_at) + datetime.timedelta(days=o.verification_days)
            ),
        )
        # Completed one verification period ago: the effectiveness verification is due today.
        due_for_verification = factory.Trait(
            state=CapaAction.State.COMPLETED,
            completed_at=factory.LazyAttribute(lambda o: timezone.now() - datetime.timedelta(days=o.verification_days)),
            completion_note="已更换紧固件并增加扭矩检查工序",
            verification_due=factory.LazyAttribute(
                lambda o: timezone.localdate(o.completed_at) + datetime.timedelta(days=o.verification_days)
            ),
        )

    number = factory.Sequence(lambda n: f"CA-2026-{n + 1:04d}")
    state = CapaAction.State.OPEN
    kind = CapaAction.Kind.CORRECTIVE
    source = CapaSource.QUALITY_SHEET
    sheet = factory.SubFactory(QualitySheetFactory, state=QualitySheet.State.IN_PROGRESS, approved=True)
    problem = "装配漏装弹簧垫圈"
    planned_action = "装配工序增加扭矩复检并留记录"
    owner = factory.SubFactory(UserFactory, department="生产部")
    department = "生产部"
    due_date = _in_days(14)
    verification_days = 30
    created_by = factory.SubFactory(UserFactory)


class CompanyComplaintFactory(factory.django.DjangoModelFactory):
    """A company-caused complaint ready for its quality information sheet."""

    class Meta:
        model = Complaint

    number = factory.Sequence(lambda n: f"TS-202611-{n + 1:04d}")
    state = Complaint.State.AWAITING_APPROVAL
    customer = factory.SubFactory(CustomerFactory)
    product_model = factory.SubFactory(ProductModelFactory)
    batch_number = "B2026-01"
    serial_number = factory.Sequence(lambda n: f"CSN{n:08d}")
    severity = Severity.GENERAL
    title = factory.Sequence(lambda n: f"开关柜异响 {n}")
    description = "客户反映合闸时有异常响声。"
    received_by = factory.SubFactory(UserFactory)
    responsibility = Complaint.Responsibility.COMPANY
    responsibility_reason = "出厂紧固件漏装"
    disposal = Complaint.Disposal.REPAIR

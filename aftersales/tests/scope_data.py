"""The data set of the project-wide scope test: two salespeople, each with a full set of records.

``sales`` owns the records marked ``MINE-S1-…``; ``sales2`` owns those marked
``SECRET-S2-…`` (and numbers in a range nothing else uses). Every record a page could
show of a customer carries a marker: the customer's name, code and address, the contact,
the delivered units' batch and serial, the complaint (number, title, attachment), the
service visit, the return, the follow-up call, the call register, the quality sheet (its
title, evidence file, department task) and the corrective action.

A third sheet is *shared*: raised for sales2's customer and unit and linked to a
complaint of each salesperson. Its own texts carry no marker (sales may read them), but
its customer, unit, sales2's complaint and that complaint's evidence do.
"""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from aftersales import roles
from aftersales.models import SpreadsheetJob, SpreadsheetProblem
from aftersales.tests.factories import UserFactory
from complaints.models import Attachment, Complaint
from complaints.tests.factories import ComplaintFactory
from customers.tests.factories import (
    ContactFactory,
    CustomerFactory,
    DeliveryFactory,
    InteractionFactory,
    ProductModelFactory,
)
from parts import stock
from parts.models import StockMove
from parts.tests.factories import PartFactory, WarehouseFactory, stock_in
from quality.models import CapaSource, QualitySheet, SheetComplaint, SheetEvent, SheetFile
from quality.tests.factories import CapaActionFactory, DepartmentTaskFactory, QualitySheetFactory
from servicing.models import CaseSummary, ClaimCost, CommissioningReport, PropertyPhoto
from servicing.tests.factories import (
    ChecklistFactory,
    CommissioningVisitFactory,
    CustomerPropertyFactory,
    FollowUpFactory,
    PlanVisitFactory,
    QuoteFactory,
    ReturnRecordFactory,
    ServicePlanFactory,
    ServiceVisitFactory,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
COMMON_BATCH = "BATCH-COMMON-01"


@dataclass
class Records:
    """One salesperson's records, and the strings that identify them on a page."""

    salesperson: object
    markers: list = field(default_factory=list)

    def mark(self, *values: str) -> None:
        self.markers.extend(values)


def _user(username, *role_codes, **extra):
    user = UserFactory(username=username, **extra)
    user.groups.add(*Group.objects.filter(name__in=role_codes))
    return user


def _attach(complaint, name: str, content: bytes, user) -> Attachment:
    return Attachment.objects.create(
        complaint=complaint,
        file=ContentFile(content, name=name),
        original_name=name,
        content_type="image/png",
        size=len(content),
        uploaded_by=user,
    )


def _sheet_file(sheet, name: str, content: bytes, user, stored=None) -> SheetFile:
    item = SheetFile(sheet=sheet, original_name=name, content_type="image/png", size=len(content), uploaded_by=user)
    if stored is not None:
        item.file = stored  # a linked complaint's file: shared, never copied
    else:
        item.file = ContentFile(content, name=name)
    item.save()
    return item


def _link(sheet, complaint, actor) -> None:
    SheetComplaint.objects.create(sheet=sheet, complaint=complaint, linked_by=actor)
    for attachment in complaint.attachments.all():
        _sheet_file(sheet, attachment.original_name, PNG, attachment.uploaded_by, stored=attachment.file.name)
    SheetEvent.objects.create(sheet=sheet, actor=actor, action=SheetEvent.Action.COMPLAINT, note=complaint.number)


def _requisition(prefix: str, complaint, engineer, number: str):
    """A parts requisition for the complaint, drafted by the engineer (sales see no requisitions)."""
    from parts.models import Requisition
    from parts.tests.factories import PartFactory, WarehouseFactory

    requisition = Requisition.objects.create(
        number=number, complaint=complaint, requester=engineer, reason=f"{prefix}-REQUISITION"
    )
    requisition.lines.create(part=PartFactory(), warehouse=WarehouseFactory(), quantity_requested=1)
    return requisition


def _records(prefix: str, salesperson, staff, model, number: int) -> Records:
    """Build one salesperson's records; every identifying string starts with ``prefix``."""
    r = Records(salesperson)
    year, period = 2099, "209912"
    r.customer = CustomerFactory(
        salesperson=salesperson, name=f"{prefix}-CUSTOMER", code=f"{prefix}-CODE", address=f"{prefix}-ADDRESS"
    )
    r.contact = ContactFactory(customer=r.customer, name=f"{prefix}-CONTACT", email=f"{prefix.lower()}@example.com")
    r.delivery = DeliveryFactory(
        customer=r.customer, product_model=model, batch_number=f"{prefix}-BATCH", serial_number=f"{prefix}-SERIAL"
    )
    # A second unit in a batch the other salesperson's customer also received.
    r.common_unit = DeliveryFactory(
        customer=r.customer, product_model=model, batch_number=COMMON_BATCH, serial_number=f"{prefix}-SERIAL-B"
    )
    r.interaction = InteractionFactory(customer=r.customer, summary=f"{prefix}-CALL", handled_by=salesperson)
    unit = {"delivery": r.delivery, "product_model": model, "batch_number": r.delivery.batch_number}
    r.complaint = ComplaintFactory(
        number=f"TS-{period}-{number}1",
        customer=r.customer,
        contact=r.contact,
        serial_number=r.delivery.serial_number,
        title=f"{prefix}-COMPLAINT",
        received_by=salesperson,
        **unit,
    )
    r.attachment = _attach(r.complaint, f"{prefix}-ATTACHMENT.png", f"{prefix}-FILE".encode(), salesperson)
    r.linked_complaint = ComplaintFactory(
        number=f"TS-{period}-{number}2",
        customer=r.customer,
        serial_number=r.delivery.serial_number,
        title=f"{prefix}-LINKED",
        state=Complaint.State.AWAITING_APPROVAL,
        company_caused=True,
        received_by=salesperson,
        **unit,
    )
    r.open_complaint = ComplaintFactory(
        number=f"TS-{period}-{number}3",
        customer=r.customer,
        serial_number=r.delivery.serial_number,
        title=f"{prefix}-TO-RAISE",
        state=Complaint.State.ANALYSING,
        company_caused=True,
        received_by=salesperson,
        **unit,
    )
    r.closed_complaint = ComplaintFactory(
        number=f"TS-{period}-{number}4",
        customer=r.customer,
        serial_number=r.delivery.serial_number,
        title=f"{prefix}-CLOSED",
        state=Complaint.State.CLOSED,
        analysed=True,
        accepted=True,
        received_by=salesperson,
        **unit,
    )
    r.visit = ServiceVisitFactory(complaint=r.complaint, place=f"{prefix}-VISIT", engineer=staff.engineer)
    r.plan = ServicePlanFactory(
        name=f"{prefix}-PLAN",
        customer=r.customer,
        delivery=r.delivery,
        engineer=staff.engineer,
        notes=f"{prefix}-NOTES",
    )
    r.plan_visit = PlanVisitFactory(plan=r.plan, place=f"{prefix}-PLAN-VISIT")
    r.return_record = ReturnRecordFactory(
        complaint=r.complaint,
        product_model=model,
        serial_number=r.delivery.serial_number,
        reason=f"{prefix}-RETURN",
        recorded_by=salesperson,
    )
    r.follow_up = FollowUpFactory(complaint=r.closed_complaint, remarks=f"{prefix}-FOLLOWUP", called_by=salesperson)
    r.case = CaseSummary.objects.create(
        complaint=r.closed_complaint,
        product_model=model,
        category=Complaint.Category.values[0],
        problem="合闸异响（知识库）",
        cause="紧固件松动",
        solution="更换紧固件",
        keywords=f"知识库{number}",
        written_by=staff.engineer,
    )
    r.sheet = QualitySheetFactory(
        number=f"QI-{year}-{number}1",
        state=QualitySheet.State.IN_PROGRESS,
        approved=True,
        source=QualitySheet.Source.COMPLAINT,
        customer=r.customer,
        product_model=model,
        batch_number=COMMON_BATCH,
        serial_number=r.common_unit.serial_number,
        title=f"{prefix}-SHEET",
        scope_note=f"{prefix}-SCOPE-NOTE",
        raised_by=salesperson,
        investigator=staff.investigator,
    )
    _link(r.sheet, r.linked_complaint, staff.leader)
    r.sheet_file = _sheet_file(r.sheet, f"{prefix}-EVIDENCE.png", f"{prefix}-EVIDENCE-BYTES".encode(), staff.leader)
    r.task = DepartmentTaskFactory(sheet=r.sheet, requirement=f"{prefix}-TASK", owner=staff.production)
    r.action = CapaActionFactory(
        number=f"CA-{year}-{number}1",
        sheet=r.sheet,
        problem=f"{prefix}-CAPA-PROBLEM",
        planned_action=f"{prefix}-CAPA-PLAN",
        owner=staff.investigator,
        created_by=staff.leader,
    )
    r.customer_property = CustomerPropertyFactory(
        number=f"GCC-{period}-{number}1",
        customer=r.customer,
        complaint=r.complaint,
        product_model=model,
        serial_number=r.delivery.serial_number,
        description=f"{prefix}-PROPERTY",
        storage_place=f"{prefix}-SHELF",
        received_by=staff.engineer,
        custodian=staff.engineer,
    )
    r.property_photo = PropertyPhoto.objects.create(
        item=r.customer_property,
        file=ContentFile(f"{prefix}-PROPERTY-BYTES".encode(), name="unit.png"),
        original_name=f"{prefix}-PROPERTY-PHOTO.png",
        content_type="image/png",
        size=10,
        uploaded_by=staff.engineer,
    )
    r.mark(r.customer_property.number, r.customer_property.description, r.customer_property.storage_place)
    r.mark(r.property_photo.original_name, f"{prefix}-PROPERTY-BYTES")
    # A commissioning of the unit, accepted by a named person of the customer.
    r.commissioning = CommissioningReport.objects.create(
        visit=CommissioningVisitFactory(
            delivery=r.delivery, place=f"{prefix}-COMMISSIONING-SITE", engineer=staff.engineer
        ),
        created_by=staff.engineer,
        state=CommissioningReport.State.ACCEPTED,
        result=CommissioningReport.Result.PASSED,
        remarks=f"{prefix}-COMMISSIONING-REMARKS",
        signed_by=staff.engineer,
        signed_at=timezone.now(),
        customer_acceptance_name=f"{prefix}-ACCEPTOR",
        customer_acceptance_date=timezone.localdate(),
    )
    r.commissioning.lines.create(position=1, text="接地连接可靠", checked=True, outcome="pass", remark=f"{prefix}-LINE")
    r.mark(
        r.commissioning.visit.place,
        r.commissioning.remarks,
        r.commissioning.customer_acceptance_name,
        f"{prefix}-LINE",
    )
    # A repair quote (its complaint is out of warranty) and the claim's cost.
    Complaint.objects.filter(pk=r.complaint.pk).update(warranty_status=Complaint.Warranty.OUT)
    r.quote = QuoteFactory(
        complaint=r.complaint,
        number=f"BJ-{period}-{number}",
        lines=[("parts", f"{prefix}-QUOTE-LINE", 1, "100.00")],
        notes=f"{prefix}-QUOTE-NOTE",
    )
    r.claim_cost = ClaimCost.objects.create(
        complaint=r.complaint, parts=1, notes=f"{prefix}-COST-NOTE", updated_by=staff.engineer
    )
    r.mark(r.quote.number, f"{prefix}-QUOTE-LINE", r.quote.notes, r.claim_cost.notes)
    r.requisition = _requisition(prefix, r.complaint, staff.engineer, f"LY-{period}-{number}")
    r.mark(r.requisition.number, r.requisition.reason)
    # A rectification notice answers a supervision check, not a customer: it carries no marker.
    r.notice = CapaActionFactory(number=f"CA-{year}-{number}2", notice=True, owner=staff.investigator)
    r.mark(
        r.customer.name,
        r.customer.code,
        r.customer.address,
        r.contact.name,
        r.contact.email,
        r.delivery.batch_number,
        r.delivery.serial_number,
        r.common_unit.serial_number,
        r.interaction.summary,
        r.complaint.number,
        r.complaint.title,
        r.attachment.original_name,
        f"{prefix}-FILE",
        r.linked_complaint.number,
        r.linked_complaint.title,
        r.open_complaint.number,
        r.open_complaint.title,
        r.closed_complaint.number,
        r.closed_complaint.title,
        r.visit.place,
        r.plan.name,
        r.plan.notes,
        r.plan_visit.place,
        r.return_record.reason,
        r.follow_up.remarks,
        r.sheet.number,
        r.sheet.title,
        r.sheet.scope_note,
        r.sheet_file.original_name,
        f"{prefix}-EVIDENCE-BYTES",
        r.task.requirement,
        r.action.number,
        r.action.problem,
        r.action.planned_action,
    )
    # An import of theirs that found a problem: its file, its problems and its report.
    r.import_job = SpreadsheetJob(
        direction=SpreadsheetJob.Direction.IMPORT,
        kind="customers.customer",
        created_by=salesperson,
        status=SpreadsheetJob.Status.INVALID,
        original_name=f"{prefix}-IMPORT.csv",
        notes=[f"{prefix}-IMPORT-NOTE"],
    )
    r.import_job.file.save(
        "ledger.csv", ContentFile(f"客户编码,客户名称\n{prefix}-IMPORT-ROW,x\n".encode()), save=False
    )
    r.import_job.report.save("report.xlsx", ContentFile(f"{prefix}-REPORT-BYTES".encode()), save=False)
    r.import_job.save()
    SpreadsheetProblem.objects.create(
        job=r.import_job, row=2, column="客户名称", value=f"{prefix}-PROBLEM", message="x"
    )
    r.mark(f"{prefix}-IMPORT.csv", f"{prefix}-IMPORT-NOTE", f"{prefix}-IMPORT-ROW", f"{prefix}-PROBLEM")
    r.part = _part_used_for(prefix, r, staff)
    return r


def _part_used_for(prefix: str, r: Records, staff):
    """Return a spare part with a photo, issued for the complaint and the visit of ``r``."""
    part = PartFactory(code=f"{prefix}-PART")
    part.photo.save("part.png", ContentFile(PNG), save=True)
    warehouse = WarehouseFactory(code=f"{prefix}-WH")
    stock_in(part, warehouse, 5, actor=staff.engineer)
    moves = [
        stock.Move(StockMove.Kind.ISSUE, part.pk, warehouse.pk, -1, complaint_id=r.complaint.pk),
        stock.Move(StockMove.Kind.ISSUE, part.pk, warehouse.pk, -1, visit_id=r.visit.pk),
    ]
    for move in moves:
        stock.post([move], actor=staff.engineer)
    return part


def _shared(mine: Records, theirs: Records, staff, model) -> SimpleNamespace:
    """Return sales2's view of a sheet linked to a complaint of each: the sheet's customer and unit are theirs."""
    sheet = QualitySheetFactory(
        number="QI-2099-9001",
        state=QualitySheet.State.IN_PROGRESS,
        approved=True,
        source=QualitySheet.Source.COMPLAINT,
        customer=theirs.customer,
        product_model=model,
        batch_number=theirs.delivery.batch_number,
        serial_number=theirs.delivery.serial_number,
        title="同一问题的共用信息单",
        scope_note=f"{theirs.customer.name} {theirs.delivery.serial_number}",
        raised_by=theirs.salesperson,
        investigator=staff.investigator,
    )
    theirs_complaint = ComplaintFactory(
        number="TS-209912-90011",
        customer=theirs.customer,
        serial_number=theirs.delivery.serial_number,
        title="SECRET-S2-SHARED-COMPLAINT",
        state=Complaint.State.AWAITING_APPROVAL,
        company_caused=True,
        received_by=theirs.salesperson,
    )
    _attach(theirs_complaint, "SECRET-S2-SHARED-PHOTO.png", b"SECRET-S2-SHARED-BYTES", theirs.salesperson)
    mine_complaint = ComplaintFactory(
        number="TS-209912-90012",
        customer=mine.customer,
        serial_number=mine.delivery.serial_number,
        title="MINE-S1-SHARED-COMPLAINT",
        state=Complaint.State.AWAITING_APPROVAL,
        company_caused=True,
        received_by=mine.salesperson,
    )
    _link(sheet, theirs_complaint, staff.leader)
    _link(sheet, mine_complaint, staff.leader)
    theirs.mark(theirs_complaint.number, theirs_complaint.title, "SECRET-S2-SHARED-PHOTO.png", "SECRET-S2-SHARED-BYTES")
    mine.mark(mine_complaint.number, mine_complaint.title)
    return SimpleNamespace(
        sheet=sheet,
        sheet_file=sheet.files.get(original_name="SECRET-S2-SHARED-PHOTO.png"),
        task=DepartmentTaskFactory(sheet=sheet, requirement="共用信息单的任务", owner=staff.production),
        action=CapaActionFactory(
            number="CA-2099-9001",
            sheet=sheet,
            problem="共用信息单的措施",
            planned_action="增加防错",
            owner=staff.investigator,
            source=CapaSource.QUALITY_SHEET,
        ),
        mine_complaint=mine_complaint,
        theirs_complaint=theirs_complaint,
    )


def build_world() -> SimpleNamespace:
    """Create both salespeople's records, the shared sheet and one user per role."""
    users = {code: _user(f"scope_{code}", code) for code in roles.ALL}
    sales = _user("sales", roles.SALES)
    sales2 = _user("sales2", roles.SALES)
    staff = SimpleNamespace(
        engineer=users[roles.AFTERSALES_ENGINEER],
        investigator=users[roles.QUALITY_ENGINEER],
        leader=users[roles.QUALITY_LEADER],
        production=UserFactory(username="scope_production_head", department="生产部"),
    )
    model = ProductModelFactory(code="SCOPE-KYN28")
    ChecklistFactory(product_model=model)
    mine = _records("MINE-S1", sales, staff, model, 7771)
    theirs = _records("SECRET-S2", sales2, staff, model, 7772)
    shared = _shared(mine, theirs, staff, model)
    users[roles.SALES] = sales
    return SimpleNamespace(
        sales=sales,
        sales2=sales2,
        users=users,
        mine=mine,
        theirs=theirs,
        shared=SimpleNamespace(**{**vars(theirs), **vars(shared)}),
        today=timezone.localdate(),
        yesterday=timezone.localdate() - datetime.timedelta(days=1),
    )

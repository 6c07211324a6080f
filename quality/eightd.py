"""The 8D report of a quality information sheet, filled from its records.

:func:`build_8d` reads the sheet, its complaints, department tasks, actions and
assessments once and returns the eight disciplines as plain text sections; the
printable page and :func:`eightd_xlsx` both lay out those same sections.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from aftersales.xlsx import XLSX_TYPE, set_text  # noqa: F401 — the 8D download sends this type
from customers.models import Customer

from .models import Assessment, CapaAction, DepartmentTask, QualitySheet, SheetComplaint, SheetEvent
from .sight import mask_sheet, sees_all_customers


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class Section:
    code: str
    title: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    @property
    def is_filled(self) -> bool:
        return any(value for _label, value in self.fields) or any(table.rows for table in self.tables)


def _label(model, name) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


def _day(value) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value, timezone.get_default_timezone()).date()
    return f"{value:%Y-%m-%d}" if isinstance(value, date) else ""


def _person(user) -> str:
    return str(user) if user is not None else ""


def _signed(user, moment) -> str:
    return f"{_person(user)} {_day(moment)}".strip()


def load_sheet(sheet: QualitySheet, user=None) -> QualitySheet:
    """Return ``sheet`` with every record the reports show, in a fixed number of queries.

    With ``user``, the sheet is masked for display (:mod:`quality.sight`): only the complaints
    of customers the user sees are loaded, the others counted in ``other_complaints``.
    """
    people = ("raised_by", "investigator", "reviewed_by", "approved_by", "gm_approved_by", "distributed_by")
    links = SheetComplaint.objects.select_related("complaint").order_by("complaint__received_at", "pk")
    if user is not None and not sees_all_customers(user):
        links = links.filter(complaint__customer__in=Customer.objects.visible_to(user).values("pk"))
    loaded = (
        QualitySheet.objects.select_related("customer", "product_model", *people)
        .prefetch_related(
            Prefetch("complaint_links", queryset=links),
            Prefetch("tasks", queryset=DepartmentTask.objects.select_related("owner")),
            Prefetch(
                "capa_actions",
                queryset=CapaAction.objects.select_related("owner", "verified_by").order_by("kind", "number"),
            ),
            Prefetch("assessments", queryset=Assessment.objects.select_related("person", "recorded_by")),
            Prefetch(
                "events",
                queryset=SheetEvent.objects.filter(to_state=QualitySheet.State.UNDER_REVIEW).order_by("-at", "-pk"),
                to_attr="submissions",
            ),
        )
        .get(pk=sheet.pk)
    )
    loaded.other_complaints = 0
    if user is not None:
        loaded.other_complaints = SheetComplaint.objects.filter(sheet=loaded).count() - len(
            loaded.complaint_links.all()
        )
        mask_sheet(loaded, user)
    return loaded


def sign_off(sheet: QualitySheet) -> Table:
    """Return every signature the sheet needs, signed or not: a major problem adds the general manager.

    ``sheet`` comes from :func:`load_sheet`. The investigator signs with the submission of the analysis.
    """
    investigating = sheet.state in (QualitySheet.State.DRAFT, QualitySheet.State.INVESTIGATING)
    submitted = sheet.submissions[0].at if sheet.submissions and not investigating else None
    rows = [
        (_("Prepared (investigator)"), sheet.investigator, submitted),
        (_("Reviewed (quality group leader)"), sheet.reviewed_by, sheet.reviewed_at),
        (_("Approved (quality deputy leader)"), sheet.approved_by, sheet.approved_at),
    ]
    if sheet.is_major:
        rows.append((_("Approved (general manager)"), sheet.gm_approved_by, sheet.gm_approved_at))
    return Table(
        [_("Role"), _("Signature"), _("Date")],
        [[role, _person(user), _day(moment)] for role, user, moment in rows],
        _("Signatures"),
    )


def verification_result(action: CapaAction) -> str:
    """Say where the effectiveness verification of ``action`` stands."""
    if action.state == CapaAction.State.CLOSED and action.verified_early:
        return _("Effective, verified before the due date %(date)s: %(reason)s") % {
            "date": _day(action.verification_due) or "—",
            "reason": action.early_verification_reason,
        }
    if action.state == CapaAction.State.CLOSED:
        return _("Effective")
    if action.state == CapaAction.State.CANCELLED:
        return _("Cancelled")
    if action.state == CapaAction.State.COMPLETED:
        return _("Awaiting verification (due %(date)s)") % {"date": _day(action.verification_due)}
    if action.times_reopened:
        return _("Not effective (%(times)s times); reopened") % {"times": action.times_reopened}
    return _("Not completed yet")


def build_8d(sheet: QualitySheet, user=None) -> list[Section]:
    """Return the sections D1–D8 of ``sheet``'s 8D report (as ``user`` may see it)."""
    sheet = load_sheet(sheet, user)
    actions = list(sheet.capa_actions.all())
    corrective = [a for a in actions if a.kind == CapaAction.Kind.CORRECTIVE]
    preventive = [a for a in actions if a.kind == CapaAction.Kind.PREVENTIVE]
    return [
        _d1_team(sheet, actions),
        _d2_problem(sheet),
        _d3_containment(sheet),
        _d4_root_cause(sheet),
        _d5_corrective(corrective),
        _d6_verification(corrective),
        _d7_prevention(sheet, preventive),
        _d8_closure(sheet),
    ]


def _d1_team(sheet, actions) -> Section:
    rows = [
        (_("Raised the sheet"), sheet.raised_by),
        (_("Investigator"), sheet.investigator),
        (_("Reviewer (quality group leader)"), sheet.reviewed_by),
        (_("Approver (quality deputy leader)"), sheet.approved_by),
        (_("Approver (general manager)"), sheet.gm_approved_by),
        (_("Distributed the sheet (quality clerk)"), sheet.distributed_by),
    ]
    members = [[role, _person(user), user.department] for role, user in rows if user is not None]
    seen = set()
    for role, owner, department in [(_("Department task owner"), t.owner, t.department) for t in sheet.tasks.all()] + [
        (_("Action owner"), a.owner, a.department) for a in actions
    ]:
        if (role, owner.pk, department) not in seen:
            seen.add((role, owner.pk, department))
            members.append([role, _person(owner), department])
    table = Table([_("Role"), _("Name"), _("Department")], members)
    return Section("D1", _("Team"), tables=[table])


def _d2_problem(sheet) -> Section:
    customer = f"{sheet.customer.name} ({sheet.customer.code})" if sheet.customer else ""
    fields = [
        (_label(QualitySheet, "number"), sheet.number),
        (_label(QualitySheet, "source"), sheet.get_source_display()),
        (_label(QualitySheet, "customer"), customer),
        (_label(QualitySheet, "product_model"), str(sheet.product_model) if sheet.product_model else ""),
        (_label(QualitySheet, "batch_number"), sheet.batch_number),
        (_label(QualitySheet, "serial_number"), sheet.serial_number),
        (_label(QualitySheet, "severity"), sheet.get_severity_display()),
        (_label(QualitySheet, "raised_at"), _day(sheet.raised_at)),
        (_label(QualitySheet, "title"), sheet.title),
        (_label(QualitySheet, "description"), sheet.description),
    ]
    complaints = [
        [
            link.complaint.number,
            _day(link.complaint.received_at),
            link.complaint.title,
            link.complaint.get_state_display(),
        ]
        for link in sheet.complaint_links.all()
    ]
    if sheet.other_complaints:
        fields.append((_("Complaints of other customers"), str(sheet.other_complaints)))
    table = Table([_("Complaint"), _("Received"), _("Problem"), _("Stage")], complaints, _("Complaints"))
    return Section("D2", _("Problem description"), fields, [table] if complaints else [])


def _d3_containment(sheet) -> Section:
    fields = [
        (_label(QualitySheet, "containment"), sheet.containment),
        (_label(QualitySheet, "proposed_disposal"), sheet.proposed_disposal),
    ]
    tasks = [
        [t.department, _person(t.owner), t.requirement, _day(t.due_date), _day(t.done_at), t.done_note]
        for t in sheet.tasks.all()
    ]
    headers = [_("Department"), _("Owner"), _("What is required"), _("Due date"), _("Done on"), _("What was done")]
    return Section("D3", _("Containment and disposal"), fields, [Table(headers, tasks, _("Department tasks"))])


def _d4_root_cause(sheet) -> Section:
    fields = [
        (_label(QualitySheet, "root_cause"), sheet.get_root_cause_display()),
        (_label(QualitySheet, "analysis"), sheet.analysis),
    ]
    fields += [(_("Why %(number)s") % {"number": n}, why) for n, why in enumerate(sheet.five_whys or [], start=1)]
    fields.append((_label(QualitySheet, "fishbone"), sheet.fishbone))
    return Section("D4", _("Root cause"), fields)


def _d5_corrective(actions) -> Section:
    rows = [
        [a.number, a.planned_action, _person(a.owner), a.department, _day(a.due_date), a.get_state_display()]
        for a in actions
    ]
    headers = [_("Action"), _("Planned action"), _("Owner"), _("Department"), _("Due date"), _("Stage")]
    return Section("D5", _("Permanent corrective actions"), tables=[Table(headers, rows)])


def _d6_verification(actions) -> Section:
    rows = [
        [
            a.number,
            _day(a.completed_at),
            a.completion_note,
            verification_result(a),
            _day(a.verified_at),
            _person(a.verified_by),
            a.verification_note,
        ]
        for a in actions
    ]
    headers = [
        _("Action"),
        _("Completed on"),
        _("What was done"),
        _("Verification result"),
        _("Verified on"),
        _("Verified by"),
        _("Verification"),
    ]
    return Section("D6", _("Implementation and verification of effectiveness"), tables=[Table(headers, rows)])


def _d7_prevention(sheet, actions) -> Section:
    rows = [
        [a.number, a.planned_action, _person(a.owner), _day(a.due_date), verification_result(a), _day(a.verified_at)]
        for a in actions
    ]
    headers = [_("Action"), _("Planned action"), _("Owner"), _("Due date"), _("Verification result"), _("Verified on")]
    fields = [(_label(QualitySheet, "scope_note"), sheet.scope_note)]
    return Section("D7", _("Prevention of recurrence"), fields, [Table(headers, rows, _("Preventive actions"))])


def _d8_closure(sheet) -> Section:
    fields = [
        (_label(QualitySheet, "closed_at"), _day(sheet.closed_at)),
        (_label(QualitySheet, "outcome"), sheet.outcome),
        (_label(QualitySheet, "customer_informed_at"), _day(sheet.customer_informed_at)),
    ]
    rows = [
        [
            a.department,
            _person(a.person) or a.person_name,
            a.get_kind_display(),
            f"{a.value.normalize():f}",
            a.remarks,
            _signed(a.recorded_by, a.recorded_at),
        ]
        for a in sheet.assessments.all()
    ]
    headers = [
        _label(Assessment, "department"),
        _label(Assessment, "person"),
        _label(Assessment, "kind"),
        _label(Assessment, "value"),
        _label(Assessment, "remarks"),
        _label(Assessment, "recorded_by"),
    ]
    return Section("D8", _("Closure and responsibility assessment"), fields, [Table(headers, rows, _("Assessments"))])


# --- the xlsx file -------------------------------------------------------------------------

WIDTHS = [18, 30, 16, 16, 14, 16, 30]  # characters; a Chinese character takes two
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
SECTION_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
LINE_HEIGHT = 15  # points per line of 11-point text


def eightd_xlsx(sheet: QualitySheet, user=None) -> bytes:
    """Return the 8D report of ``sheet`` (as ``user`` may see it) as an xlsx workbook of one worksheet."""
    sections = build_8d(sheet, user)
    book = Workbook()
    ws = book.active
    ws.title = f"8D {sheet.number}"[:31]
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    writer = _Writer(ws)
    writer.title(_("8D report %(number)s: %(title)s") % {"number": sheet.number, "title": sheet.title})
    for section in sections:
        writer.section(section)
    writer.signatures(sign_off(load_sheet(sheet, user)))
    output = BytesIO()
    book.save(output)
    return output.getvalue()


class _Writer:
    """Append the rows of the report to a worksheet, one block per section."""

    def __init__(self, ws):
        self.ws = ws
        self.row = 1
        self.last = len(WIDTHS)

    def title(self, text):
        self._merged(text, Font(bold=True, size=14))
        self.row += 1

    def section(self, section: Section):
        self._merged(f"{section.code} {section.title}", Font(bold=True, color="FFFFFF"), SECTION_FILL)
        for label, value in section.fields:
            self._field(label, value)
        for table in section.tables:
            self._table(table)
        self.row += 1

    def signatures(self, table: Table):
        self._merged(table.caption, Font(bold=True, color="FFFFFF"), SECTION_FILL)
        self._row(table.headers, Font(bold=True), HEADER_FILL)
        for values in table.rows:
            self._row(values)

    def _cell(self, column, value, font=None, fill=None):
        # Text typed as text: a formula trigger stays visible as typed, with no apostrophe.
        cell = set_text(self.ws.cell(row=self.row, column=column), value)
        cell.alignment, cell.border = WRAP, BOX
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        return cell

    def _merged(self, text, font=None, fill=None, first=1):
        self._cell(first, text, font, fill)
        for column in range(first + 1, self.last + 1):
            self._cell(column, None, fill=fill)
        self.ws.merge_cells(start_row=self.row, start_column=first, end_row=self.row, end_column=self.last)
        width = sum(WIDTHS[first - 1 :])
        self._fit([(text, width)])
        self.row += 1

    def _field(self, label, value):
        self._cell(1, label, Font(bold=True), HEADER_FILL)
        self._merged(value or "—", first=2)

    def _table(self, table: Table):
        if table.caption:
            self._merged(table.caption, Font(italic=True, bold=True))
        self._row(table.headers, Font(bold=True), HEADER_FILL)
        for values in table.rows or [["—"]]:
            self._row(values)

    def _row(self, values, font=None, fill=None):
        values = list(values)[: self.last]
        for column, value in enumerate(values, start=1):
            self._cell(column, value, font, fill)
        if len(values) < self.last:  # the last value takes the rest of the line
            for column in range(len(values) + 1, self.last + 1):
                self._cell(column, None, fill=fill)
            self.ws.merge_cells(start_row=self.row, start_column=len(values), end_row=self.row, end_column=self.last)
        widths = WIDTHS[: len(values) - 1] + [sum(WIDTHS[len(values) - 1 :])]
        self._fit(list(zip(values, widths, strict=True)))
        self.row += 1

    def _fit(self, cells):
        """Set the row's height for its longest wrapped text (Excel does not size merged cells)."""
        lines = max((_lines(str(value or ""), width) for value, width in cells), default=1)
        self.ws.row_dimensions[self.row].height = max(lines, 1) * LINE_HEIGHT + 3


def _lines(text: str, width: int) -> int:
    total = 0
    for line in text.splitlines() or [""]:
        columns = sum(2 if ord(char) > 0x2E7F else 1 for char in line)
        total += max(1, math.ceil(columns / max(width - 1, 1)))
    return total

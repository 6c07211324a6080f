"""Background import of corrective and preventive actions (and rectification notices).

An import only adds actions: each row is opened through ``services.capa_create``, so
it is numbered, recorded in the action's and the sheet's history and announced to its
owner as the action page would do, and one bad row leaves the whole file unwritten.
The checks capa_create makes (a closed sheet, a due date in the past, a notice without
its unit or reply deadline) are made on every row before the user confirms. An export
carries the progress columns too (stage, completion, verification); they are not
columns of the import and are ignored, and a row that names a number is refused, so a
re-imported export never doubles its actions.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales import cells
from aftersales.importing import Column, Importer, RecordRefused, register

from . import services
from .models import CapaAction, CapaSource, QualitySheet
from .services.capa import capa_date_problems

#: Before this a date is a typing error; from it to yesterday it is "in the past", as on the page.
EARLIEST = datetime.date(2000, 1, 1)
#: Fields of capa_create that a row may set, in the order they are passed.
FIELDS = (
    "kind",
    "source",
    "source_reference",
    "problem",
    "planned_action",
    "department",
    "due_date",
    "verification_days",
    "notice_unit",
    "notice_findings",
    "reply_deadline",
)


def _label(name):
    return CapaAction._meta.get_field(name).verbose_name


def _text(max_length=None, multiline=False):
    return lambda value: cells.text(value, max_length=max_length, multiline=multiline)


def _no_number(value):
    """Refuse any number: the import numbers each new action itself."""
    number = cells.text(value, max_length=None)
    raise cells.CellError(
        _(
            "An import only adds new actions and numbers them itself; leave the number of %(number)s "
            "empty or change that action on its page."
        )
        % {"number": number}
    )


def _date(key, *, today, latest):
    """A date, refused when capa_create would refuse it (a due date or reply deadline before today)."""

    def convert(value):
        result = cells.date(value, earliest=EARLIEST, latest=latest)
        problem = capa_date_problems(**{key: result}, today=today).get(key) if result else None
        if problem:
            raise cells.CellError(problem)
        return result

    return convert


@register
class CapaImporter(Importer):
    kind = "quality.capaaction"
    title = gettext_lazy("Corrective/preventive actions")
    permission = "quality.import_capaaction"
    #: capa_create's ValidationError codes, by the column they are about.
    error_columns = {"sheet": "sheet", "notice": "notice_unit", "due_date": "due_date"}

    @classmethod
    def allowed(cls, user) -> bool:
        # Every row is opened through capa_create, which needs the add permission too.
        return super().allowed(user) and user.has_perm("quality.add_capaaction")

    def get_columns(self):
        today = timezone.localdate()
        latest = today + datetime.timedelta(days=5 * 366)
        date_help = gettext_lazy("A date such as 2026-03-05, 2026/3/5 or 2026年3月5日: today or later.")
        return [
            Column(
                "kind",
                _label("kind"),
                cells.Choice(CapaAction.Kind.choices),
                synonyms=("类型", "措施类型", "类别", "kind", "type"),
                help=gettext_lazy("Corrective or preventive; empty means corrective."),
                choices=lambda: [label for _code, label in CapaAction.Kind.choices],
                width=10,
            ),
            Column(
                "source",
                _label("source"),
                cells.Choice(CapaSource.choices),
                synonyms=("来源", "措施来源", "问题来源", "source"),
                help=gettext_lazy(
                    "Where the problem was found; an action of a quality sheet takes its source from the sheet. "
                    "A supervision check is a rectification notice: name the unit and the reply deadline."
                ),
                choices=lambda: [label for _code, label in CapaSource.choices],
            ),
            Column(
                "sheet",
                _label("sheet"),
                lambda value: cells.code(value, max_length=30),
                synonyms=("质量信息单", "信息单", "信息单编号", "质量信息单编号", "信息单号", "sheet", "sheet number"),
                help=gettext_lazy("The number of a quality sheet that is not closed, e.g. QI-2026-0001."),
            ),
            Column(
                "source_reference",
                _label("source_reference"),
                _text(100),
                synonyms=("来源记录", "来源单号", "来源编号", "source reference", "reference"),
                help=gettext_lazy("Number or title of the survey, check, audit or trend."),
            ),
            Column(
                "problem",
                _label("problem"),
                _text(multiline=True),
                required=True,
                synonyms=("问题", "问题描述", "存在问题", "problem", "description"),
                example="柜门变形",
                width=30,
            ),
            Column(
                "planned_action",
                _label("planned_action"),
                _text(multiline=True),
                required=True,
                synonyms=("措施", "计划措施", "纠正措施", "整改措施", "措施内容", "planned action", "action"),
                example="增加首件检验",
                width=30,
            ),
            Column(
                "owner",
                _label("owner"),
                _text(150),
                required=True,
                synonyms=("责任人", "负责人", "措施负责人", "owner", "responsible"),
                help=gettext_lazy("The user name of an active user."),
            ),
            Column(
                "department",
                _label("department"),
                _text(100),
                required=True,
                synonyms=("责任部门", "部门", "department"),
                help=gettext_lazy("At most 100 characters."),
                example="生产部",
            ),
            Column(
                "due_date",
                _label("due_date"),
                _date("due_date", today=today, latest=latest),
                required=True,
                synonyms=("完成期限", "计划完成日期", "完成日期", "期限", "截止日期", "due date", "deadline"),
                help=date_help,
            ),
            Column(
                "verification_days",
                _label("verification_days"),
                lambda value: cells.integer(value, minimum=1, maximum=365),
                synonyms=("验证天数", "验证间隔", "效果验证天数", "verification days"),
                help=gettext_lazy("Days after completion to verify the effectiveness, 1 to 365; empty means 30."),
                width=8,
            ),
            Column(
                "notice_unit",
                _label("notice_unit"),
                _text(100),
                synonyms=("整改单位", "被整改单位", "责任单位", "unit", "rectification unit"),
                help=gettext_lazy("For a rectification notice (source: supervision check): the unit to rectify."),
            ),
            Column(
                "notice_findings",
                _label("notice_findings"),
                _text(multiline=True),
                synonyms=("整改发现", "检查发现", "检查情况", "发现问题", "findings"),
                width=30,
            ),
            Column(
                "reply_deadline",
                _label("reply_deadline"),
                _date("reply_deadline", today=today, latest=latest),
                synonyms=("回复期限", "书面回复期限", "回复截止日期", "reply deadline", "reply due"),
                help=gettext_lazy("For a rectification notice: the day its written reply is due, today or later."),
            ),
            Column(
                "number",
                _label("number"),
                _no_number,
                synonyms=("措施编号", "编号", "number", "no.", "no"),
                help=gettext_lazy(
                    "Leave empty: every row is a new action and the import numbers it. "
                    "A row with a number (from an export) is refused."
                ),
            ),
        ]

    def setup(self):
        self.users = get_user_model().objects.filter(is_active=True)

    def check_batch(self, records):
        numbers = {record.data["sheet"] for record in records if record.data.get("sheet")}
        sheets = {sheet.number: sheet for sheet in QualitySheet.objects.filter(number__in=numbers)}
        names = {record.data["owner"] for record in records}
        owners = {user.username: user for user in self.users.filter(username__in=names)}
        for record in records:
            data = record.data
            values = {key: data[key] for key in FIELDS if key in record.present}
            owner = owners.get(data["owner"])
            if owner is None:
                record.problem("owner", _("No active user has the user name “%(name)s”.") % {"name": data["owner"]})
            sheet = None
            if data.get("sheet"):
                sheet = sheets.get(data["sheet"])
                if sheet is None:
                    record.problem(
                        "sheet", _("No quality sheet has the number “%(number)s”.") % {"number": data["sheet"]}
                    )
                elif sheet.state == QualitySheet.State.CLOSED:
                    record.problem("sheet", _("Sheet %(number)s is closed.") % {"number": sheet.number})
                else:
                    values["source"] = CapaSource.QUALITY_SHEET  # as capa_create does for an action of a sheet
            elif values.get("source") == CapaSource.QUALITY_SHEET:
                record.problem("sheet", _("An action from a quality sheet must name the sheet."), "")
            elif not values.get("source"):
                record.problem("source", _("Name the source of the action, or the quality sheet it comes from."), "")
            if values.get("source") == CapaSource.SUPERVISION:
                for key in ("notice_unit", "reply_deadline"):
                    if key not in record.present:
                        record.problem(
                            key,
                            _("A rectification notice names the unit and the deadline for its written reply."),
                            "",
                        )
            if record.problems:
                continue
            record.extra["values"] = {**values, "owner": owner, "sheet": sheet}
            record.action = "create"

    def write_batch(self, records, log):
        for record in records:
            try:
                action = services.capa_create(actor=self.user, **record.extra["values"])
            except ValidationError as error:
                raise RecordRefused(record, error) from None
            record.instance = action
            log.add(action, added=True)

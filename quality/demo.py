"""Demo quality chain: information sheets in every stage, actions in every state, rectification notices.

Run through ``manage.py seed_demo`` after the demo complaints exist. complaints/demo.py
leaves every company-caused complaint awaiting its sheet's approval; sheets are raised
from them (plus one from field data) and walked through ``quality.services`` by the demo
user of the role that takes each step, so an approved sheet moves its complaints on to
rectification and the closed one ends with its complaint closed and the customer told.

The services stamp every step "now" and refuse due dates in the past, so the few
records that must look late (an overdue department task, an overdue action, a
verification that has fallen due) are aged afterwards by moving their dates back;
:func:`_age` is the only write that bypasses the services. Nothing is added when quality
sheets already exist.
"""

from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.management import CommandError
from django.utils import timezone

from complaints.demo import DEMO_CODES, MODEL_CODES, STORIES
from complaints.models import Complaint, Severity
from complaints.services import complaint_close
from customers.models import ProductModel

from . import demo_supervision, services
from .models import CapaAction, CapaSource, DepartmentTask, QualitySheet, RootCause

USERNAMES = [
    "sales",
    "sales2",
    "aftersales_manager",
    "aftersales_engineer",
    "quality_engineer",
    "quality_leader",
    "quality_clerk",
    "quality_deputy",
    "general_manager",
    "purchasing",
    "warehouse_keeper",
]
S = QualitySheet.State
STAGES = [S.DRAFT, S.INVESTIGATING, S.UNDER_REVIEW, S.AWAITING_APPROVAL, S.DISTRIBUTED, S.IN_PROGRESS, S.CLOSED]
WAITING, MOVED_ON = "waiting", "moved_on"  # the sheet stays before approval / goes past it


class Analysis(NamedTuple):
    root_cause: str
    analysis: str
    five_whys: list[str]
    fishbone: str
    containment: str
    proposed_disposal: str
    scope_note: str


# fmt: off
ANALYSES = {
    "motor": Analysis(
        RootCause.PRODUCTION, "储能行程开关安装位置偏低 3 mm，储能到位后未能断开电机回路；出厂调试记录中该项未勾选。",
        ["为何电机不停转：行程开关未动作", "为何未动作：安装位置偏低", "为何偏低：装配未用定位工装"],
        "", "通知同批次客户暂不操作储能回路，必要时断开储能电源", "", ""),
    "capacitor": Analysis(
        RootCause.SUPPLIER, "复合开关晶闸管模块耐压不足，频繁投切时击穿，导致电容器过热。",
        ["为何电容器发热：投切异常", "为何投切异常：复合开关晶闸管击穿", "为何击穿：模块耐压等级低于规格书",
         "为何来料不符：供应商更换了模块型号未通知", "为何未发现：进货检验未做耐压抽检"],
        "人：检验员未按规定抽检；机：无耐压测试台；料：供应商擅自换型；法：进货检验规程缺耐压项目",
        "冻结库存同批次复合开关 120 只，已发货设备逐台排查",
        "更换故障复合开关，同批次已交付设备上门更换", "复合开关批号 FH2609，装于 JP-400 配电箱 58 台，涉及 9 家客户"),
    "leak": Analysis(
        RootCause.PRODUCTION, "顶盖密封胶条接缝处漏打密封胶，大雨时雨水沿接缝渗入高压室。",
        ["为何渗水：顶盖接缝不密封", "为何不密封：接缝处漏打胶", "为何漏打：作业指导书未标出接缝打胶点"],
        "法：作业指导书缺接缝打胶要求；测：出厂未做淋雨试验",
        "通知客户雨天巡视，高压室临时加装防水罩", "更换顶盖密封条并打密封胶，做淋雨试验后恢复送电",
        "2026 年 8 月至 10 月生产的 YBM-12/0.4 箱变 21 台"),
    "field": Analysis(
        RootCause.SUPPLIER,
        "返修统计显示 VS1-12 合闸线圈近三个月烧毁 9 只，均为同一供应商同批次线圈，漆包线绝缘等级偏低。",
        ["为何线圈烧毁：匝间短路", "为何短路：漆包线绝缘击穿", "为何击穿：供应商用 B 级线代替 F 级线"],
        "料：线圈漆包线绝缘等级不符；测：来料检验只测电阻未测耐温",
        "库存同批次线圈 300 只冻结待检", "同批次线圈全部退供应商，已装机的按计划停电更换",
        "线圈批号 XQ2607，装于 2026 年 7 月至 9 月出厂的 VS1-12 断路器约 140 台"),
    "paint": Analysis(
        RootCause.TRANSPORT, "物流公司装车时柜体侧面未加护角，运输途中与相邻货物碰撞。",
        ["为何磕碰：柜体侧面无防护", "为何无防护：包装规范未要求侧面护角"],
        "法：包装规范缺侧面防护要求；环：长途运输路况差",
        "通知物流暂停同类拼车运输", "派人携带原厂油漆上门修补，侧板凹陷处整形", "本月同一承运商发运的 GCS 柜 14 台"),
    "crack": Analysis(
        RootCause.SUPPLIER, "瓷套烧结内部存在气孔，安装后受热应力开裂；进货检验只做外观检查，未能发现内部缺陷。",
        ["为何开裂：瓷套内部气孔", "为何有气孔：供应商烧结温度波动", "为何未检出：进货检验无超声探伤"],
        "料：瓷套内部缺陷；测：进货检验手段不足；法：供应商过程控制缺失",
        "同批次瓷套库存隔离，已装机断路器逐台做外观及绝缘检查", "整台更换断路器本体，同批次瓷套全部更换",
        "瓷套批号 CT2605，用于 ZW32-12 断路器 36 台，涉及 4 家客户"),
    "sf6": Analysis(
        RootCause.SUPPLIER, "充气阀门密封圈材质为普通丁腈橡胶，低温下收缩导致 SF6 微漏。",
        ["为何气压低：SF6 泄漏", "为何泄漏：阀门密封圈失效", "为何失效：材质不耐低温", "为何用错材质：采购规格未注明"],
        "料：密封圈材质不符；法：采购技术条件未写明材质",
        "检漏后补气，同批次环网柜加密巡检", "更换氟橡胶密封圈并补充 SF6 气体至额定压力",
        "2026 年一季度生产的 XGN15-12 环网柜 30 台"),
}
FIELD_SHEET = {
    "title": "VS1-12 断路器合闸线圈烧毁返修率上升",
    "description": "售后返修统计：近三个月 VS1-12 断路器合闸线圈烧毁返修 9 起，远高于往年同期（1 起）。",
    "severity": Severity.SERIOUS,
    "batch_number": "XQ2607",
}

# stage, story of the complaint (or "field"), which complaints to look in, options
PLAN = [
    (S.DRAFT, "door", WAITING, {}),
    (S.INVESTIGATING, "motor", WAITING, {"partial": True}),
    (S.UNDER_REVIEW, "capacitor", WAITING, {"sent_back": "五问分析未追到来料检验，补充进货检验记录后重新提交"}),
    (S.AWAITING_APPROVAL, "leak", WAITING, {"signatures": ["quality_deputy"]}),  # major: the GM still to sign
    (S.AWAITING_APPROVAL, "field", None, {"signatures": []}),
    # Task owners are staff of the named department whose role opens quality sheets.
    (S.DISTRIBUTED, "paint", MOVED_ON, {"tasks": [
        ("售后服务组", "aftersales_engineer", "上门检查同批次已发货柜体漆面并补漆，改进包装护角", 7),
    ]}),
    (S.IN_PROGRESS, "crack", MOVED_ON, {"tasks": [
        ("质量组", "quality_engineer", "隔离同批次瓷套库存并书面通知供应商整改", 3),
        ("售后服务组", "aftersales_manager", "排查同批次已交付断路器并安排更换", 10),  # left overdue
    ]}),
    (S.CLOSED, "sf6", MOVED_ON, {"tasks": [
        ("质量组", "quality_engineer", "修改密封圈采购技术条件，注明氟橡胶材质", 5),
        ("售后服务组", "aftersales_manager", "同批次环网柜上门检漏并更换密封圈", 10),
    ]}),
]
# fmt: on


def seed(*, stdout, style) -> None:
    """Raise the demo quality sheets and actions unless quality sheets exist already."""
    users = _users()
    if QualitySheet.objects.exists():
        stdout.write("Quality: quality sheets already there, nothing added.")
    else:
        seeder = Seeder(users)
        sheets = {(target, story): seeder.sheet(target, story, pool, options) for target, story, pool, options in PLAN}
        sheets.update(seeder.other_waiting_complaints())
        seeder.actions(sheets)
        _report(stdout, style)
    demo_supervision.seed(stdout=stdout, style=style)


def _users() -> dict:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)}
    if missing := set(USERNAMES) - set(users):
        raise CommandError(f"Demo users missing ({', '.join(sorted(missing))}): run aftersales' demo first.")
    return users


def _report(stdout, style) -> None:
    sheets = list(QualitySheet.objects.values_list("state", flat=True))
    actions = list(CapaAction.objects.values_list("state", flat=True))
    notices = CapaAction.objects.filter(source=CapaSource.SUPERVISION).count()
    by_stage = ", ".join(f"{sheets.count(state)} {label}" for state, label in S.choices)
    by_state = ", ".join(f"{actions.count(state)} {label}" for state, label in CapaAction.State.choices)
    stdout.write(
        style.SUCCESS(
            f"Quality: {len(sheets)} sheets created ({by_stage}); {len(actions)} actions ({by_state}), "
            f"{notices} of them rectification notices."
        )
    )


def _age(model, pk: int, **fields) -> None:
    """Move a record's dates into the past, which no service allows (see the module docstring)."""
    model.objects.filter(pk=pk).update(**fields)


class Seeder:
    """Walk each planned sheet through the services to the stage it stands at now."""

    def __init__(self, users: dict):
        self.users = users
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.leader = users["quality_leader"]
        self.investigator = users["quality_engineer"]

    def _in_days(self, days: int):
        return self.today + timedelta(days=days)

    # --- raising -------------------------------------------------------------------------

    def _complaint(self, story: str, pool: str) -> Complaint | None:
        # complaints/demo.py leaves every company-caused complaint waiting for its sheet; the
        # "moved on" ones are those whose sheet this demo takes past its approval.
        return (
            Complaint.objects.filter(
                customer__code__in=DEMO_CODES,
                responsibility=Complaint.Responsibility.COMPANY,
                state=Complaint.State.AWAITING_APPROVAL,
                title=STORIES[story].title,
                quality_link__isnull=True,
            )
            .select_related("customer__salesperson")
            .order_by("received_at")
            .first()
        )

    def _raiser(self, complaint: Complaint):
        """The customer's salesperson raises the sheet; the after-sales manager for a customer without one."""
        salesperson = complaint.customer.salesperson
        if salesperson is not None and salesperson.username in ("sales", "sales2"):
            return salesperson
        return self.users["aftersales_manager"]

    def _raise(self, story: str, pool: str | None) -> QualitySheet:
        complaint = self._complaint(story, pool) if pool else None
        if complaint is not None:
            raised_at = min(complaint.received_at + timedelta(hours=3), self.now)
            return services.sheet_raise(actor=self._raiser(complaint), complaint=complaint, raised_at=raised_at)
        # From field data (or when the demo complaint is not there): the quality engineer raises it.
        data = dict(FIELD_SHEET) if story == "field" else self._story_as_field_data(story)
        prefix = "VS" if story == "field" else STORIES[story].product
        model = ProductModel.objects.filter(code=MODEL_CODES[prefix]).first()
        return services.sheet_raise(
            actor=self.investigator, product_model=model, raised_at=self.now - timedelta(days=6), **data
        )

    def _story_as_field_data(self, story: str) -> dict:
        text = STORIES[story]
        return {"title": text.title, "description": text.description, "severity": Severity.GENERAL}

    def other_waiting_complaints(self) -> dict:
        """Raise a draft sheet for each other company-caused complaint still waiting for one."""
        waiting = Complaint.objects.filter(
            customer__code__in=DEMO_CODES,
            responsibility=Complaint.Responsibility.COMPANY,
            state=Complaint.State.AWAITING_APPROVAL,
            quality_link__isnull=True,
        ).select_related("customer__salesperson")
        return {
            (S.DRAFT, complaint.number): services.sheet_raise(actor=self._raiser(complaint), complaint=complaint)
            for complaint in waiting
        }

    # --- walking -------------------------------------------------------------------------

    def sheet(self, target: str, story: str, pool: str | None, options: dict) -> QualitySheet:
        sheet = self._raise(story, pool)
        reach = STAGES.index(target)
        if reach >= STAGES.index(S.INVESTIGATING):
            sheet = services.sheet_assign(
                actor=self.leader, sheet=sheet, investigator=self.investigator, due_date=self._in_days(5)
            )
            sheet = self._analyse(sheet, story, partial=options.get("partial", False))
        if reach >= STAGES.index(S.UNDER_REVIEW):
            sheet = self._submit(sheet, options.get("sent_back"))
        if reach >= STAGES.index(S.AWAITING_APPROVAL):
            sheet = services.sheet_review(actor=self.leader, sheet=sheet, note="分析充分，同意处置意见")
            sheet = self._sign(sheet, options.get("signatures"))
        if reach >= STAGES.index(S.DISTRIBUTED):
            tasks = [
                {"department": dept, "owner": self.users[owner], "requirement": text, "due_date": self._in_days(days)}
                for dept, owner, text, days in options["tasks"]
            ]
            sheet = services.sheet_distribute(actor=self.users["quality_clerk"], sheet=sheet, tasks=tasks)
        if reach >= STAGES.index(S.IN_PROGRESS):
            sheet = self._work(sheet, close=target == S.CLOSED)
        return sheet

    def _analyse(self, sheet, story: str, *, partial: bool) -> QualitySheet:
        fields = ANALYSES[story]._asdict()
        if partial:  # the investigation has started: a first finding, no disposal yet
            fields = {name: fields[name] for name in ("root_cause", "analysis", "containment")}
            fields["five_whys"] = ANALYSES[story].five_whys[:2]
        return services.sheet_record_analysis(actor=self.investigator, sheet=sheet, **fields)

    def _submit(self, sheet, sent_back: str | None) -> QualitySheet:
        sheet = services.sheet_submit_analysis(actor=self.investigator, sheet=sheet)
        if not sent_back:
            return sheet
        sheet = services.sheet_send_back(actor=self.leader, sheet=sheet, reason=sent_back)
        scope = f"{sheet.scope_note}；进货检验记录显示该批次未做耐压抽检"
        sheet = services.sheet_record_analysis(actor=self.investigator, sheet=sheet, scope_note=scope)
        return services.sheet_submit_analysis(actor=self.investigator, sheet=sheet, note="已补充进货检验记录")

    def _sign(self, sheet, signers: list[str] | None) -> QualitySheet:
        if signers is None:
            signers = ["quality_deputy", "general_manager"] if sheet.is_major else ["quality_deputy"]
        for username in signers:
            sheet = services.sheet_sign_approval(actor=self.users[username], sheet=sheet, note="同意")
        return sheet

    def _work(self, sheet, *, close: bool) -> QualitySheet:
        tasks = list(sheet.tasks.select_related("owner").order_by("pk"))
        for task in tasks:
            services.task_acknowledge(actor=task.owner, task=task)
        done = tasks if close else tasks[:1]
        for task in done:
            services.task_complete(actor=task.owner, task=task, note=f"已完成：{task.requirement}")
        for task in tasks[len(done) :]:  # still open: its due date has passed
            _age(DepartmentTask, task.pk, due_date=self._in_days(-3))
        services.assessment_record(
            actor=self.leader,
            sheet=sheet,
            department="采购部",
            person=self.users["purchasing"],
            kind="points",
            value=Decimal(2),
            remarks="供应商来料把关不严，按员工奖惩条例扣 2 分",
        )
        if not close:
            return sheet
        services.assessment_record(
            actor=self.leader,
            sheet=sheet,
            department="质量组",
            person_name="进货检验班组",
            kind="amount",
            value=Decimal(200),
            remarks="进货检验漏检，按员工奖惩条例考核 200 元",
        )
        for kind, plan in (
            (CapaAction.Kind.CORRECTIVE, "密封圈改用氟橡胶材质，修改采购技术条件"),
            (CapaAction.Kind.PREVENTIVE, "进货检验增加密封件材质及低温性能抽检"),
        ):
            action = self._action(sheet, kind, plan, "purchasing", "采购部", 20)
            action = services.capa_complete(actor=action.owner, action=action, note=f"已完成：{plan}")
            self._age_completion(action)
            services.capa_verify(actor=self.leader, action=action, effective=True, note="跟踪三个月，同类泄漏为零")
        outcome = "已为客户更换全部密封圈并补气，设备运行正常；已电话告知客户处理结果"
        sheet = services.sheet_close(actor=self.leader, sheet=sheet, outcome=outcome)
        # The sales department tells the customer and closes the complaints with their acceptance.
        informer = self.users["sales"]
        for link in sheet.complaint_links.select_related("complaint__customer__salesperson", "complaint__contact"):
            complaint = link.complaint
            informer = self._raiser(complaint)
            complaint_close(
                actor=informer,
                complaint=complaint,
                acceptance_name=complaint.contact.name if complaint.contact else "设备科",
                acceptance_date=timezone.localdate(),
                reply_to_customer=outcome,
            )
        return services.sheet_customer_informed(actor=informer, sheet=sheet, note="电话告知客户设备科")

    # --- actions and notices -------------------------------------------------------------

    def _action(self, sheet, kind, plan, owner, department, days, **data) -> CapaAction:
        return services.capa_create(
            actor=self.leader,
            sheet=sheet,
            kind=kind,
            problem=data.pop("problem", None) or sheet.title,
            planned_action=plan,
            owner=self.users[owner],
            department=department,
            due_date=self._in_days(days),
            **data,
        )

    def actions(self, sheets: dict) -> None:
        """Open actions on the sheets at work, and the notices and stand-alone actions, in every state."""
        crack = sheets[(S.IN_PROGRESS, "crack")]
        paint = sheets[(S.DISTRIBUTED, "paint")]
        corrective, preventive = CapaAction.Kind.CORRECTIVE, CapaAction.Kind.PREVENTIVE
        self._reopened(self._action(crack, corrective, "瓷套入厂检验增加超声探伤抽检", "purchasing", "采购部", 15))
        replaced = self._action(
            crack, corrective, "更换同批次瓷套 36 只", "quality_engineer", "质量组", 10, verification_days=1
        )
        self._verification_due(replaced)
        still_open = self._action(crack, preventive, "供应商质量协议增加瓷套批次抽检条款", "purchasing", "采购部", 30)
        services.capa_add_check(actor=self.investigator, action=still_open, finding="协议修订稿已发供应商会签")
        late = self._action(paint, corrective, "运输包装增加角部及侧面护板", "warehouse_keeper", "物流部", 5)
        services.capa_add_check(actor=self.investigator, action=late, finding="护板样品未到，进度滞后")
        _age(CapaAction, late.pk, due_date=self._in_days(-4))
        self._stand_alone()

    def _reopened(self, action) -> None:
        action = services.capa_complete(actor=action.owner, action=action, note="已购置超声探伤仪，按 5% 抽检")
        self._age_completion(action)
        services.capa_verify(
            actor=self.leader,
            action=action,
            effective=False,
            note="抽检比例过低，本月仍有 1 只裂纹瓷套装机",
            new_plan="超声探伤抽检比例提高至 20%，连续三批合格后再恢复",
            new_due_date=self._in_days(21),
        )

    def _verification_due(self, action) -> None:
        """Complete ``action`` a day ago, so that its one-day verification falls due today."""
        action = services.capa_complete(actor=action.owner, action=action, note="36 只瓷套已全部更换并做绝缘试验")
        self._age_completion(action)

    def _age_completion(self, action) -> None:
        """Date ``action``'s completion back by its verification period, so the verification is due today."""
        completed = self.now - timedelta(days=action.verification_days)
        _age(
            CapaAction,
            action.pk,
            completed_at=completed,
            verification_due=timezone.localdate(completed) + timedelta(days=action.verification_days),
        )

    def _stand_alone(self) -> None:
        leader = self.leader
        survey = services.capa_create(
            actor=leader,
            kind=CapaAction.Kind.PREVENTIVE,
            source=CapaSource.SURVEY,
            source_reference="2026 年度客户满意度调查",
            problem="客户反映备件供货周期长（平均 12 天）",
            planned_action="常用备件建立安全库存，供货周期压缩到 5 天内",
            owner=self.users["purchasing"],
            department="采购部",
            due_date=self._in_days(45),
        )
        cancelled = services.capa_create(
            actor=leader,
            kind=CapaAction.Kind.CORRECTIVE,
            source=CapaSource.AUDIT,
            source_reference="2026 年第三季度内审",
            problem="售后服务记录表未按月归档",
            planned_action="每月 5 日前归档上月服务记录",
            owner=self.users["aftersales_manager"],
            department="售后服务组",
            due_date=self._in_days(14),
        )
        services.capa_cancel(actor=leader, action=cancelled, reason=f"与 {survey.number} 合并跟踪，不再单独立项")
        self._notices()

    def _notices(self) -> None:
        """Two rectification notices (整改通知单) from the monthly service-quality check."""
        month = f"{self.today:%Y} 年 {self.today.month} 月服务质量检查"
        for unit, findings, plan, reply in (
            (
                "华东服务站",
                "抽查 10 份维修记录，3 份无客户签字验收；回访记录缺失 2 份",
                "补齐客户验收签字，回访每周检查",
                "",
            ),
            (
                "西南服务站",
                "备件领用未按规定登记，库存账实不符",
                "备件领用一律登记台账，每月盘点",
                "已整改：领用台账已建立，本月盘点账实相符，附盘点表。",
            ),
        ):
            notice = services.capa_create(
                actor=self.users["quality_clerk"],
                kind=CapaAction.Kind.CORRECTIVE,
                source=CapaSource.SUPERVISION,
                source_reference=month,
                notice_unit=unit,
                notice_findings=findings,
                reply_deadline=self._in_days(7),
                problem=findings,
                planned_action=plan,
                owner=self.users["aftersales_manager"],
                department=unit,
                due_date=self._in_days(15),
            )
            if reply:
                services.capa_record_reply(
                    actor=self.users["aftersales_manager"], action=notice, reply_text=reply, received_on=self.today
                )

"""Demo complaints in every stage.

Run through ``manage.py seed_demo`` after the demo users and the demo ledger exist. Every
record is written by the services, as the demo users, against the demo customers'
deliveries. Receipt times are set in the past so that the service clocks show every
status now (on track, at risk, breached, paused, met); later steps happen at seeding
time, so a complaint received more than 24 hours ago shows a late first response.
Nothing is added when the demo customers already have complaints. The service work around
them (visits, returns, case summaries, follow-up calls) is servicing/demo.py's.
"""

from datetime import timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError
from django.utils import timezone

from customers.demo import PRODUCT_MODELS
from customers.models import Customer, Delivery

from . import services
from .models import Complaint

# The complaint stories are told over the first 60 customers; the ledger's later ones
# (customers.demo) have no complaint this year and are there for the survey's sample.
DEMO_CODES = [f"KH{number:04d}" for number in range(1, 61)]
MODEL_CODES = {prefix: code for code, _name, _months, prefix in PRODUCT_MODELS}
USERNAMES = ["sales", "sales2", "aftersales_engineer", "aftersales_manager", "general_manager", "quality_deputy"]
DEPARTMENT_HEAD = "general_manager"  # receives major complaints and resolution breaches

C, Q = Complaint.Responsibility.CUSTOMER, Complaint.Responsibility.COMPANY
Cat, D = Complaint.Category, Complaint.Disposal
G, S, M = "general", "serious", "major"
PHONE, EMAIL, ONLINE, LETTER, VISIT = "phone", "email", "online", "letter", "visit"


class Story(NamedTuple):
    product: str  # the prefix of a demo product model
    category: str
    cause: str
    title: str
    description: str
    reason: str
    disposal: str
    plan: str
    keywords: str


# fmt: off
STORY_ROWS = {
    "door": ("KY", Cat.QUALITY, Q, "开关柜柜门变形，无法正常关闭",
             "客户反映 KYN28A-12 开关柜前柜门下沿变形，门锁对不上，柜门无法关严，五防闭锁无法复位。",
             "柜门钣金折弯尺寸超差，加强筋点焊不足，属生产质量问题", D.REPLACE,
             "更换前柜门组件，现场调整门锁及五防联锁", "柜门 变形 五防"),
    "refuse": ("VS", Cat.FUNCTION, C, "断路器拒合",
               "VS1-12 断路器手车在工作位置电动合闸无反应，手动合闸正常，一条出线无法送电。",
               "客户直流屏输出电压偏低（实测 DC 176 V），合闸线圈动作不可靠，非产品缺陷", D.GUIDANCE,
               "指导客户将直流屏输出调整至 DC 220 V，并检查合闸回路接线", "断路器 拒合 控制电源"),
    "heat": ("SC", Cat.FUNCTION, Q, "变压器温升异常",
             "SC(B)13-1000/10 干式变压器满载运行两小时后 B 相绕组温度达 135 ℃，温控器报超温。",
             "B 相绕组风道有浇注残留物堵塞，散热不良，属生产质量问题", D.REPAIR,
             "现场清理风道，更换冷却风机，复测温升", "干式变压器 温升 风道"),
    "papers": ("KY", Cat.DOCUMENTS, Q, "交付资料缺少合格证",
               "客户验收时发现随货资料缺少产品合格证和出厂试验报告，无法办理竣工验收。",
               "发货前随货资料核对漏项，属交付质量问题", D.REPLACE,
               "三个工作日内补发合格证及出厂试验报告原件", "合格证 随货资料 验收"),
    "motor": ("ZW", Cat.FUNCTION, Q, "户外断路器分闸后储能电机不停转",
              "ZW32-12 户外断路器分闸后储能电机持续运转不停止，只能断开储能电源。",
              "储能行程开关位置调整不当，出厂调试遗漏", D.REPAIR,
              "现场调整行程开关并更换损坏的微动开关", "储能电机 行程开关"),
    "sf6": ("XG", Cat.QUALITY, Q, "环网柜 SF6 气压表指示偏低",
            "XGN15-12 环网柜 SF6 气压表指针进入黄区，客户担心气室漏气。",
            "充气阀门密封圈材质不良导致微漏，属原材料质量问题", D.REPAIR,
            "检漏后更换密封圈，补充 SF6 气体至额定压力", "SF6 气压 密封圈"),
    "paint": ("GC", Cat.DELIVERY, Q, "低压柜运输中柜体磕碰掉漆",
              "GCS 低压抽出式开关柜到货后两台柜体侧板有磕碰凹痕，油漆脱落。",
              "运输包装防护不足，属运输损坏", D.REPAIR,
              "派人携带原厂油漆上门修补，侧板凹陷处整形", "运输 磕碰 油漆"),
    "terminal": ("JP", Cat.INSTALLATION, C, "配电箱进线端子发热",
                 "JP-400 综合配电箱进线端子红外测温 85 ℃，端子有变色。",
                 "客户施工方压接电缆未使用配套铜鼻子，接触面积不足，属安装原因", D.GUIDANCE,
                 "指导客户重新压接电缆并按力矩紧固，复测温度", "端子 发热 压接"),
    "lights": ("YB", Cat.FUNCTION, C, "箱变低压室照明及排风扇不工作",
               "YBM-12/0.4 预装式变电站低压室照明灯和排风扇均不工作。",
               "客户检修后未合上辅助电源空开，非产品问题", D.GUIDANCE,
               "电话指导客户恢复辅助电源并检查温控器设置", "箱变 辅助电源"),
    "spring": ("VS", Cat.QUALITY, Q, "断路器储能时机构异响",
               "VS1-12 断路器储能时操作机构有明显金属摩擦声。",
               "储能齿轮润滑脂漏涂，属装配质量问题", D.REPAIR,
               "现场清洁并加注润滑脂，更换磨损的储能齿轮", "操作机构 异响 润滑"),
    "indicator": ("KY", Cat.FUNCTION, Q, "开关柜带电显示器不亮",
                  "KYN28A-12 开关柜线路带电时带电显示装置指示灯不亮，柜门闭锁无法解除。",
                  "传感器与显示器插头接触不良", D.REPLACE,
                  "更换带电显示装置及传感器连接线", "带电显示 闭锁"),
    "slow": ("SC", Cat.SERVICE, Q, "售后响应不及时",
             "客户反映上次温控器故障报修后三天才有人联系，对服务时效不满。",
             "售后派工衔接不畅，未按 24 小时响应承诺执行", D.GUIDANCE,
             "向客户致歉并说明改进措施，指定专人对接后续服务", "服务时效 派工"),
    "crank": ("ZW", Cat.INSTALLATION, C, "断路器安装后分合闸指示与实际相反",
              "ZW32-12 户外断路器安装后分合闸指示牌与触头实际位置相反。",
              "客户安装时操作拐臂连接方向装反", D.GUIDANCE,
              "工程师现场指导重新安装拐臂并做分合闸试验", "拐臂 安装 分合闸指示"),
    "stiff": ("XG", Cat.FUNCTION, C, "环网柜负荷开关操作卡涩",
              "XGN15-12 环网柜负荷开关分闸时操作手柄卡涩，需很大力才能操作。",
              "设备长期未操作且未按期润滑，属使用维护原因", D.GUIDANCE,
              "现场润滑操作机构并培训客户定期维护", "负荷开关 卡涩 维护"),
    "drawer": ("GC", Cat.QUALITY, Q, "低压柜抽屉推不到工作位置",
               "GCS 低压柜 3 号抽屉单元推入时卡住，无法到达工作位置。",
               "抽屉导轨安装尺寸偏差，属装配质量问题", D.REPAIR,
               "调整导轨并更换变形的抽屉二次插件", "抽屉 导轨"),
    "report": ("KY", Cat.DOCUMENTS, Q, "出厂试验报告数据与铭牌不符",
               "客户核对资料时发现出厂试验报告中的额定电流与铭牌不一致。",
               "试验报告模板填写错误", D.REPLACE,
               "重新出具正确的出厂试验报告并盖章寄送", "试验报告 铭牌"),
    "trip": ("VS", Cat.FUNCTION, C, "综合保护装置误跳闸",
             "配套 VS1-12 断路器的综合保护装置在负荷正常时多次误跳闸。",
             "客户自行修改了过流保护定值，定值偏小", D.GUIDANCE,
             "工程师远程核对定值并指导恢复设计定值", "保护定值 误跳闸"),
    "leak": ("YB", Cat.QUALITY, Q, "箱变顶盖渗水",
             "YBM-12/0.4 箱变大雨后高压室顶部渗水，电缆室有积水。",
             "顶盖密封胶条接缝处漏打胶，属生产质量问题", D.REPAIR,
             "更换顶盖密封条并打密封胶，做淋雨试验", "箱变 渗水 密封"),
    "capacitor": ("JP", Cat.QUALITY, Q, "配电箱电容补偿投切异常",
                  "JP-400 配电箱无功补偿控制器频繁投切，电容器发热。",
                  "复合开关批次质量问题，同批次设备可能受影响", D.REPLACE,
                  "更换复合开关，排查同批次其他客户设备", "无功补偿 复合开关 批次"),
    "late": ("SC", Cat.DELIVERY, Q, "变压器到货延期",
             "SC(B)13 干式变压器超过合同交货期一周仍未到货，影响客户送电计划。",
             "生产排产延误，未及时通知客户", D.GUIDANCE,
             "加急生产并每日向客户通报进度", "交货期 排产"),
    "arc": ("KY", Cat.FUNCTION, Q, "开关柜内部放电异响",
            "KYN28A-12 开关柜运行中有间歇性放电声，夜间可见电缆室内有弧光。",
            "电缆终端头与套管间距不足，属设计缺陷", D.REPAIR,
            "更换加长型套管并调整电缆固定位置，做局部放电检测", "放电 电缆室 局放"),
    "crack": ("ZW", Cat.QUALITY, Q, "户外断路器瓷套裂纹",
              "ZW32-12 户外断路器 A 相瓷套出现纵向裂纹，存在绝缘击穿风险。",
              "瓷套原材料缺陷", D.REPLACE, "整台更换断路器本体", "瓷套 裂纹 绝缘"),
    "quote": ("VS", Cat.OTHER, C, "咨询断路器备件报价",
              "客户来电要求提供真空灭弧室备件报价。", "", D.GUIDANCE, "", ""),
}
# fmt: on
STORIES = {key: Story(*row) for key, row in STORY_ROWS.items()}

# fmt: off
# story, severity, channel, hours since receipt, where it stands now, options
# ("follow_up": the score and remarks of the call after closing, which servicing/demo.py makes)
PLAN = [
    ("refuse", G, PHONE, 2, "received", {"silent": True}),
    ("papers", G, EMAIL, 5, "received", {"assign": True}),
    ("spring", S, PHONE, 20, "received", {"silent": True}),                        # response at risk
    ("crack", M, PHONE, 30, "received", {"silent": True}),                         # response breached
    ("lights", G, ONLINE, 8, "received", {"pause": "等待客户提供现场照片"}),
    ("crank", G, VISIT, 21, "received", {"silent": True, "assign": True}),         # response at risk
    ("terminal", G, PHONE, 10, "analysing", {}),
    ("sf6", S, PHONE, 19, "analysing", {"silent": True}),                          # response at risk
    ("drawer", G, LETTER, 80, "analysing", {}),
    ("arc", M, PHONE, 30, "analysing", {"timetable": ("停电检修窗口定于下周二，届时更换套管并做局放检测", 7)}),
    ("trip", G, PHONE, 6, "sent_back", {}),
    ("stiff", G, PHONE, 12, "analysing", {"pause": "等待客户安排停电窗口"}),
    ("heat", S, EMAIL, 50, "analysing", {}),
    ("crank", G, PHONE, 14, "submitted", {}),
    ("trip", S, ONLINE, 16, "submitted", {}),
    ("stiff", M, PHONE, 22, "manager_signed", {}),
    ("door", S, PHONE, 26, "submitted", {}),
    ("motor", G, PHONE, 15, "submitted", {}),
    ("capacitor", G, EMAIL, 60, "submitted", {}),
    ("leak", M, PHONE, 12, "submitted", {}),
    ("terminal", G, PHONE, 7, "rectifying", {}),
    ("refuse", M, PHONE, 17, "rectifying", {}),
    ("indicator", G, PHONE, 11, "rectifying", {}),
    ("paint", G, VISIT, 30, "rectifying", {}),
    ("slow", S, LETTER, 4, "rectifying", {}),
    ("report", G, EMAIL, 20, "rectifying", {"pause": "等待客户确认补发资料的收件地址"}),
    ("lights", G, PHONE, 3, "rectifying", {}),
    ("crack", M, PHONE, 40, "rectifying", {}),
    ("papers", G, EMAIL, 15, "closed", {"follow_up": (5, "资料已收到，满意")}),
    ("lights", G, PHONE, 6, "closed", {"follow_up": (4, "")}),
    ("trip", G, PHONE, 9, "closed", {"follow_up": (5, "远程指导及时")}),
    ("sf6", S, PHONE, 20, "closed", {"follow_up": (4, "")}),
    ("drawer", G, PHONE, 22, "closed", {}),
    ("capacitor", S, EMAIL, 70, "closed", {"follow_up": (3, "处理较慢，希望缩短备件周期")}),
    ("late", G, LETTER, 100, "closed", {"follow_up": (4, "")}),
    ("spring", G, PHONE, 12, "closed", {}),
    ("crank", G, PHONE, 18, "closed", {"follow_up": (2, "分合闸指示仍偶尔与实际不符，要求再派人检查")}),  # reopened
    ("quote", G, PHONE, 26, "cancelled", {"reason": "非投诉，为备件询价，已转销售业务部报价"}),
    ("door", G, PHONE, 25, "cancelled", {"reason": "重复登记：与同一客户同日来电反映的柜门问题为同一事项"}),
    ("refuse", G, PHONE, 3, "cancelled", {"reason": "客户来电撤回：现场复位后合闸正常"}),
]
# fmt: on
STAGES = ["received", "analysing", "submitted", "manager_signed", "rectifying", "closed"]


def seed(*, stdout, style) -> None:
    """Add the demo complaints unless the demo customers already have some."""
    users = _users()
    get_user_model().objects.filter(username=DEPARTMENT_HEAD).update(is_department_head=True)
    if Complaint.objects.filter(customer__code__in=DEMO_CODES).exists():
        stdout.write("Complaints: demo complaints already there, nothing added.")
        return
    seeder = Seeder(users)
    plan = sorted(enumerate(PLAN), key=lambda item: -item[1][3])  # numbered in order of receipt
    made = {index: seeder.complaint(*entry) for index, entry in plan}
    states = list(Complaint.objects.filter(pk__in=[c.pk for c in made.values()]).values_list("state", flat=True))
    by_state = {label: states.count(state) for state, label in Complaint.State.choices}
    stdout.write(
        style.SUCCESS(
            f"Complaints: {len(made)} created ({', '.join(f'{n} {label}' for label, n in by_state.items())})."
        )
    )


def _users() -> dict:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)}
    if missing := set(USERNAMES) - set(users):
        raise CommandError(f"Demo users missing ({', '.join(sorted(missing))}): run aftersales' demo first.")
    return users


class Seeder:
    """Walk each planned complaint through the services to the stage it stands at now."""

    def __init__(self, users: dict):
        self.users = users
        self.engineer = users["aftersales_engineer"]
        self.manager = users["aftersales_manager"]
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.used = {}
        self.deliveries = {
            prefix: list(
                Delivery.objects.filter(customer__code__in=DEMO_CODES, product_model__code=code)
                .select_related("customer__salesperson", "product_model")
                .order_by("pk")
            )
            for prefix, code in MODEL_CODES.items()
        }
        if not all(self.deliveries.values()):
            raise CommandError("Demo deliveries missing: run the customers' demo first.")

    def _delivery(self, prefix: str) -> Delivery:
        """Return the next delivery of the model, moving through different customers."""
        choices = self.deliveries[prefix]
        index = self.used.get(prefix, 0)
        self.used[prefix] = index + 1
        return choices[(index * 7) % len(choices)]

    def _intake_user(self, customer: Customer):
        salesperson = customer.salesperson
        return salesperson if salesperson and salesperson.username in ("sales", "sales2") else self.engineer

    def complaint(self, key, severity, channel, hours, stage, options) -> Complaint:
        story = STORIES[key]
        delivery = self._delivery(story.product)
        customer = delivery.customer
        complaint = services.complaint_create(
            actor=self._intake_user(customer),
            customer=customer,
            delivery=delivery,
            contact=customer.contacts.filter(is_primary=True).first(),
            channel=channel,
            severity=severity,
            category=story.category,
            title=story.title,
            description=story.description,
            received_at=self.now - timedelta(hours=hours),
        )
        if options.get("assign"):
            complaint = services.complaint_assign(actor=self.manager, complaint=complaint, assignee=self.engineer)
        if stage == "cancelled":  # a duplicate or a non-complaint needs no first response
            return services.complaint_cancel(actor=self.manager, complaint=complaint, reason=options["reason"])
        if not options.get("silent"):
            reply = "已收到您的反馈，售后工程师将尽快与您联系并安排处理。"
            complaint = services.complaint_respond(actor=self.engineer, complaint=complaint, reply=reply)
        complaint = self._advance(complaint, key, stage)
        if "timetable" in options:
            text, days = options["timetable"]
            complaint = services.complaint_promise_timetable(
                actor=self.engineer, complaint=complaint, timetable=text, promised_date=self.today + timedelta(days)
            )
        if "pause" in options:
            complaint = services.complaint_pause(actor=self.engineer, complaint=complaint, reason=options["pause"])
        return complaint

    def _advance(self, complaint, key, stage) -> Complaint:
        target = "submitted" if stage == "sent_back" else stage
        if target == "received":
            return complaint
        story = STORIES[key]
        complaint = services.complaint_start_analysis(actor=self.engineer, complaint=complaint)
        if STAGES.index(target) < STAGES.index("submitted"):
            return complaint
        complaint = services.complaint_update_analysis(
            actor=self.engineer,
            complaint=complaint,
            responsibility=story.cause,
            responsibility_reason=story.reason,
            disposal=story.disposal,
            disposal_plan=story.plan,
        )
        complaint = services.complaint_submit_for_approval(actor=self.engineer, complaint=complaint)
        if stage == "sent_back":
            reason = "处置方案缺少定值核对记录，请补充现场照片后重新提交"
            return services.complaint_send_back(actor=self.manager, complaint=complaint, reason=reason)
        if target == "submitted":
            return complaint
        complaint = self._approve(complaint, stop_after_manager=target == "manager_signed")
        if target == "closed" and complaint.state == Complaint.State.RECTIFYING:
            complaint = self._close(complaint, key)
        return complaint

    def _approve(self, complaint, *, stop_after_manager=False) -> Complaint:
        if complaint.responsibility == Complaint.Responsibility.COMPANY:
            # Approved through its quality information sheet: quality/demo.py raises the
            # sheet, and the sheet's approval moves the complaint on.
            return complaint
        try:
            complaint = services.complaint_sign_approval(actor=self.manager, complaint=complaint, note="同意")
            if complaint.needs_gm_approval and not stop_after_manager:
                complaint = services.complaint_sign_approval(
                    actor=self.users["general_manager"], complaint=complaint, note="同意按方案处理"
                )
        except ValidationError:
            # Held by another app's condition (an out-of-warranty repair waits for the customer's
            # acceptance of its quote): it stays awaiting approval; that app's demo carries it on.
            complaint.refresh_from_db()
        return complaint

    def _close(self, complaint, key) -> Complaint:
        story = STORIES[key]
        customer = complaint.customer
        closer = customer.salesperson if customer.salesperson_id else self.engineer
        return services.complaint_close(
            actor=closer,
            complaint=complaint,
            acceptance_name=_contact(complaint),
            acceptance_date=self.today,
            reply_to_customer=f"经核查，{story.reason}。已{story.plan}，设备恢复正常运行，感谢您的反馈。",
        )


def _contact(complaint) -> str:
    return complaint.contact.name if complaint and complaint.contact else "设备科负责人"

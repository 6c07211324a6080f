"""Demo customer ledger: 100 customers with contacts, deliveries and a call/visit register.

Run through ``manage.py seed_demo`` after the demo users exist. The data come from a
fixed random seed, with dates counted back from today, so that some deliveries are in
warranty and some out. Deliveries share batch numbers across customers, so a scope
query on a batch finds other customers. A customer whose code exists is left alone.
"""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.management import CommandError
from django.utils import timezone

from .models import Contact, Customer, ProductModel
from .services import contact_save, customer_create, delivery_save, interaction_log

SEED = 2026
ACTOR = "aftersales_manager"
SERVICE_STAFF = ["aftersales_engineer", "aftersales_manager"]

POWER, RAIL, PETRO, METAL, MACHINE, BUILD, DEFENCE, OTHER = (
    Customer.Industry.POWER,
    Customer.Industry.RAIL,
    Customer.Industry.PETROCHEMICAL,
    Customer.Industry.METALLURGY,
    Customer.Industry.MACHINERY,
    Customer.Industry.CONSTRUCTION,
    Customer.Industry.DEFENCE,
    Customer.Industry.OTHER,
)

# name, industry, region (province), city and district
CUSTOMERS = [
    ("国网江苏省电力有限公司南京供电分公司", POWER, "江苏", "南京市鼓楼区"),
    ("国网浙江省电力有限公司杭州供电公司", POWER, "浙江", "杭州市上城区"),
    ("国网山东省电力公司济南供电公司", POWER, "山东", "济南市历下区"),
    ("广东电网有限责任公司广州供电局", POWER, "广东", "广州市越秀区"),
    ("华能国际电力股份有限公司上安电厂", POWER, "河北", "石家庄市井陉县"),
    ("大唐陕西发电有限公司", POWER, "陕西", "西安市雁塔区"),
    ("国家电投集团江西电力有限公司", POWER, "江西", "南昌市红谷滩区"),
    ("华电福新能源有限公司福建分公司", POWER, "福建", "福州市鼓楼区"),
    ("中国三峡新能源（集团）股份有限公司云南分公司", POWER, "云南", "昆明市西山区"),
    ("国网湖北省电力有限公司武汉供电公司", POWER, "湖北", "武汉市江岸区"),
    ("内蒙古电力（集团）有限责任公司呼和浩特供电分公司", POWER, "内蒙古", "呼和浩特市新城区"),
    ("国网安徽省电力有限公司合肥供电公司", POWER, "安徽", "合肥市蜀山区"),
    ("中铁十四局集团电气化工程有限公司", RAIL, "山东", "济南市历城区"),
    ("中铁电气化局集团第一工程有限公司", RAIL, "北京", "北京市丰台区"),
    ("广州地铁集团有限公司", RAIL, "广东", "广州市海珠区"),
    ("成都轨道交通集团有限公司", RAIL, "四川", "成都市锦江区"),
    ("中国铁路上海局集团有限公司南京供电段", RAIL, "江苏", "南京市玄武区"),
    ("西安市轨道交通集团有限公司", RAIL, "陕西", "西安市未央区"),
    ("中铁建电气化局集团南方工程有限公司", RAIL, "湖北", "武汉市东西湖区"),
    ("郑州地铁集团有限公司", RAIL, "河南", "郑州市金水区"),
    ("中国石化扬子石油化工有限公司", PETRO, "江苏", "南京市六合区"),
    ("中国石油天然气股份有限公司大庆石化分公司", PETRO, "黑龙江", "大庆市龙凤区"),
    ("中海石油（中国）有限公司天津分公司", PETRO, "天津", "天津市滨海新区"),
    ("万华化学集团股份有限公司", PETRO, "山东", "烟台市福山区"),
    ("中国石油化工股份有限公司镇海炼化分公司", PETRO, "浙江", "宁波市镇海区"),
    ("恒力石化（大连）炼化有限公司", PETRO, "辽宁", "大连市长兴岛经济区"),
    ("陕西延长石油（集团）有限责任公司炼化公司", PETRO, "陕西", "延安市宝塔区"),
    ("宝山钢铁股份有限公司", METAL, "上海", "上海市宝山区"),
    ("鞍钢股份有限公司", METAL, "辽宁", "鞍山市铁东区"),
    ("河钢股份有限公司唐山分公司", METAL, "河北", "唐山市路北区"),
    ("江苏沙钢集团有限公司", METAL, "江苏", "苏州市张家港市"),
    ("中国铝业股份有限公司广西分公司", METAL, "广西", "百色市平果市"),
    ("马鞍山钢铁股份有限公司", METAL, "安徽", "马鞍山市雨山区"),
    ("江西铜业股份有限公司贵溪冶炼厂", METAL, "江西", "鹰潭市贵溪市"),
    ("三一重工股份有限公司", MACHINE, "湖南", "长沙市长沙县"),
    ("徐工集团工程机械股份有限公司", MACHINE, "江苏", "徐州市鼓楼区"),
    ("中联重科股份有限公司", MACHINE, "湖南", "长沙市岳麓区"),
    ("潍柴动力股份有限公司", MACHINE, "山东", "潍坊市奎文区"),
    ("中国一拖集团有限公司", MACHINE, "河南", "洛阳市涧西区"),
    ("沈鼓集团股份有限公司", MACHINE, "辽宁", "沈阳市铁西区"),
    ("上海电气集团股份有限公司", MACHINE, "上海", "上海市闵行区"),
    ("宁德时代新能源科技股份有限公司", MACHINE, "福建", "宁德市蕉城区"),
    ("中国建筑第八工程局有限公司", BUILD, "上海", "上海市浦东新区"),
    ("中国建筑第三工程局有限公司", BUILD, "湖北", "武汉市武昌区"),
    ("上海建工集团股份有限公司", BUILD, "上海", "上海市虹口区"),
    ("中国电建集团湖北工程有限公司", BUILD, "湖北", "武汉市洪山区"),
    ("陕西建工集团股份有限公司", BUILD, "陕西", "西安市莲湖区"),
    ("北京城建集团有限责任公司", BUILD, "北京", "北京市海淀区"),
    ("中国能源建设集团江苏省电力设计院有限公司", BUILD, "江苏", "南京市江宁区"),
    ("中国船舶集团有限公司第七一二研究所", DEFENCE, "湖北", "武汉市江夏区"),
    ("江麓机电集团有限公司", DEFENCE, "湖南", "湘潭市雨湖区"),
    ("中航西安飞机工业集团股份有限公司", DEFENCE, "陕西", "西安市阎良区"),
    ("中国电子科技集团公司第十四研究所", DEFENCE, "江苏", "南京市雨花台区"),
    ("南京鼓楼医院", OTHER, "江苏", "南京市鼓楼区"),
    ("中国移动通信集团江苏有限公司", OTHER, "江苏", "南京市建邺区"),
    ("浙江大学后勤集团", OTHER, "浙江", "杭州市西湖区"),
    ("深圳市水务（集团）有限公司", OTHER, "广东", "深圳市福田区"),
    ("北京首都国际机场股份有限公司", OTHER, "北京", "北京市顺义区"),
    ("重庆水务集团股份有限公司", OTHER, "重庆", "重庆市渝中区"),
    ("隆基绿能科技股份有限公司", OTHER, "陕西", "西安市长安区"),
    # Customers with deliveries and no complaint this year: most of the survey's sample.
    ("国网河南省电力公司洛阳供电公司", POWER, "河南", "洛阳市西工区"),
    ("国网四川省电力公司成都供电公司", POWER, "四川", "成都市青羊区"),
    ("国网湖南省电力有限公司长沙供电分公司", POWER, "湖南", "长沙市天心区"),
    ("国网辽宁省电力有限公司大连供电公司", POWER, "辽宁", "大连市中山区"),
    ("国网天津市电力公司城东供电分公司", POWER, "天津", "天津市河东区"),
    ("华润电力（常熟）有限公司", POWER, "江苏", "苏州市常熟市"),
    ("浙能嘉兴发电有限公司", POWER, "浙江", "嘉兴市平湖市"),
    ("国能宁夏灵武发电有限公司", POWER, "宁夏", "银川市灵武市"),
    ("广西电网有限责任公司南宁供电局", POWER, "广西", "南宁市青秀区"),
    ("贵州电网有限责任公司贵阳供电局", POWER, "贵州", "贵阳市南明区"),
    ("青岛地铁集团有限公司", RAIL, "山东", "青岛市市北区"),
    ("杭州市地铁集团有限责任公司", RAIL, "浙江", "杭州市上城区"),
    ("长沙市轨道交通集团有限公司", RAIL, "湖南", "长沙市雨花区"),
    ("中国铁路北京局集团有限公司天津供电段", RAIL, "天津", "天津市河北区"),
    ("苏州市轨道交通集团有限公司", RAIL, "江苏", "苏州市姑苏区"),
    ("合肥市轨道交通集团有限公司", RAIL, "安徽", "合肥市包河区"),
    ("中国石化茂名石化公司", PETRO, "广东", "茂名市茂南区"),
    ("中国石油兰州石化公司", PETRO, "甘肃", "兰州市西固区"),
    ("浙江石油化工有限公司", PETRO, "浙江", "舟山市定海区"),
    ("中化泉州石化有限公司", PETRO, "福建", "泉州市泉港区"),
    ("中国石化齐鲁石化公司", PETRO, "山东", "淄博市临淄区"),
    ("首钢京唐钢铁联合有限责任公司", METAL, "河北", "唐山市曹妃甸区"),
    ("武汉钢铁有限公司", METAL, "湖北", "武汉市青山区"),
    ("太原钢铁（集团）有限公司", METAL, "山西", "太原市尖草坪区"),
    ("南京钢铁股份有限公司", METAL, "江苏", "南京市六合区"),
    ("湘潭钢铁集团有限公司", METAL, "湖南", "湘潭市岳塘区"),
    ("柳州钢铁股份有限公司", METAL, "广西", "柳州市柳北区"),
    ("山推工程机械股份有限公司", MACHINE, "山东", "济宁市任城区"),
    ("柳州柳工机械股份有限公司", MACHINE, "广西", "柳州市柳南区"),
    ("杭州汽轮动力集团股份有限公司", MACHINE, "浙江", "杭州市拱墅区"),
    ("东方电气集团东方汽轮机有限公司", MACHINE, "四川", "德阳市旌阳区"),
    ("哈尔滨电气集团有限公司", MACHINE, "黑龙江", "哈尔滨市松北区"),
    ("大连重工·起重集团有限公司", MACHINE, "辽宁", "大连市西岗区"),
    ("中国建筑第五工程局有限公司", BUILD, "湖南", "长沙市雨花区"),
    ("中铁建工集团有限公司", BUILD, "北京", "北京市丰台区"),
    ("广东省建筑工程集团股份有限公司", BUILD, "广东", "广州市荔湾区"),
    ("中国电建集团江西省电力建设有限公司", BUILD, "江西", "南昌市青山湖区"),
    ("中国航发南方工业有限公司", DEFENCE, "湖南", "株洲市芦淞区"),
    ("杭州市第一人民医院", OTHER, "浙江", "杭州市上城区"),
    ("上海国际港务（集团）股份有限公司", OTHER, "上海", "上海市浦东新区"),
]
MUNICIPALITIES = {"北京", "上海", "天津", "重庆"}
AUTONOMOUS = {"广西": "广西壮族自治区", "内蒙古": "内蒙古自治区", "宁夏": "宁夏回族自治区"}
ROADS = ["中山路", "人民路", "解放路", "建设路", "工业大道", "科技路", "长江路", "新华路", "和平路", "创业大道"]
NOTES = ["", "", "", "年度框架协议客户", "需提前三天预约进场", "发票寄送至财务部", "设备集中在两个变电站"]

# code, name, warranty months (None: the default period), serial prefix
PRODUCT_MODELS = [
    ("KYN28A-12", "铠装移开式交流金属封闭开关柜", 24, "KY"),
    ("XGN15-12", "SF6 环网柜", 18, "XG"),
    ("GCS", "低压抽出式开关柜", None, "GC"),
    ("ZW32-12", "户外高压真空断路器", 18, "ZW"),
    ("VS1-12", "户内高压真空断路器", 24, "VS"),
    ("SC(B)13-1000/10", "干式电力变压器", 24, "SC"),
    ("YBM-12/0.4", "预装式变电站", 12, "YB"),
    ("JP-400", "低压综合配电箱（JP 柜）", 12, "JP"),
]
BATCHES = 30

# fmt: off
SURNAMES = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
    ("赵", "zhao"), ("黄", "huang"), ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"),
    ("胡", "hu"), ("朱", "zhu"), ("高", "gao"), ("林", "lin"), ("何", "he"), ("郭", "guo"),
    ("马", "ma"), ("罗", "luo"), ("梁", "liang"), ("宋", "song"), ("郑", "zheng"), ("谢", "xie"),
]
GIVEN_NAMES = {
    Contact.Gender.MALE: [
        ("伟", "wei"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("勇", "yong"), ("杰", "jie"),
        ("涛", "tao"), ("斌", "bin"), ("志强", "zhiqiang"), ("建华", "jianhua"), ("海涛", "haitao"),
        ("国庆", "guoqing"), ("文博", "wenbo"), ("晓东", "xiaodong"), ("俊杰", "junjie"), ("永刚", "yonggang"),
    ],
    Contact.Gender.FEMALE: [
        ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("艳", "yan"),
        ("婷", "ting"), ("秀英", "xiuying"), ("晓燕", "xiaoyan"), ("丽娟", "lijuan"), ("雪梅", "xuemei"),
        ("慧", "hui"),
    ],
}
POSITIONS = [
    "设备科长", "采购经理", "项目经理", "电气工程师", "运维班长", "物资部主任",
    "技术负责人", "设备主管", "总工程师", "动力车间主任", "工程部副经理",
]
# fmt: on
MOBILE_PREFIXES = (
    [f"13{d}" for d in range(10)] + ["150", "151", "152", "155", "158", "159"] + [f"18{d}" for d in range(10)]
)

IN, OUT = "in", "out"
# fmt: off
# direction, possible kinds, what was asked or said, what was answered, follow up?, who handles it
INTERACTIONS = [
    (IN, ["call"], "询问设备保养周期及停电检修注意事项",
     "告知开关柜建议每年停电检修一次，断路器每操作 2000 次检查触头磨损，已发送维护手册电子版。", False, "service"),
    (IN, ["call", "online"], "反映断路器偶发合闸不到位，需人工复位",
     "已转售后服务组登记，约定工程师两日内到现场检查。", True, "service"),
    (IN, ["email", "letter"], "索取产品合格证及出厂试验报告复印件，用于竣工资料归档",
     "已邮件发送扫描件，纸质件随函寄出。", False, "sales"),
    (IN, ["call", "email"], "咨询真空灭弧室、分合闸线圈等备品备件价格",
     "已提供报价单，报价有效期 30 天。", True, "sales"),
    (IN, ["call"], "要求安排新入职运维人员的操作培训",
     "约定由售后工程师上门培训，内容含五防操作与日常巡检。", True, "service"),
    (IN, ["letter"], "来函确认设备质保期起算日期",
     "回函说明质保期自交货之日起计算，并附交货记录。", False, "sales"),
    (IN, ["visit"], "来访洽谈二期扩建项目新增开关柜需求",
     "已介绍产品方案，销售部一周内提交报价。", True, "sales"),
    (IN, ["call", "online"], "反映干式变压器温控器显示温度跳变",
     "电话指导客户检查 PT100 传感器接线，紧固后显示正常。", False, "service"),
    (IN, ["call"], "询问订单交货进度", "告知已排产，预计本月底发货，发货前电话通知。", False, "sales"),
    (IN, ["call", "online"], "咨询综合保护装置定值设置方法",
     "工程师远程指导完成定值设置，并发送操作说明。", False, "service"),
    (IN, ["email"], "要求提供设备基础图及二次原理图电子版", "已通过邮件发送 CAD 图纸。", False, "sales"),
    (IN, ["call", "visit"], "反映柜体运输中局部油漆磕碰脱落",
     "已登记，安排售后人员携带原厂油漆上门补漆。", True, "service"),
    (IN, ["online"], "在线留言询问五防闭锁装置解锁方法",
     "回复解锁操作步骤，并提醒须按规程经许可后操作。", False, "service"),
    (IN, ["call"], "询问质保期外维修收费标准",
     "告知按配件、差旅、人工分项计费，可先到现场检查后报价。", False, "sales"),
    (OUT, ["call"], "年度回访，了解设备运行情况", "客户反馈设备运行正常，无异常。", False, "sales"),
    (OUT, ["visit"], "节前走访客户设备部",
     "客户对售后服务表示满意，希望缩短备件供货周期。", False, "sales"),
    (OUT, ["call", "email"], "通知设备质保期即将届满，建议安排满期前巡检",
     "客户同意，约定下月安排巡检。", True, "service"),
    (OUT, ["letter"], "寄送年度客户满意度调查问卷", "", True, "sales"),
    (OUT, ["visit"], "现场巡检开关柜运行状态并做红外测温", "未发现过热点，已出具巡检报告。", False, "service"),
    (OUT, ["email"], "发送产品技术升级通知（断路器操作机构改进）",
     "客户回复已收悉，需要时安排改造。", False, "service"),
]
# fmt: on


def seed(*, stdout, style) -> None:
    """Create the demo customers that are not there yet and report what was added."""
    today = timezone.localdate()
    models = _product_models()
    plans = _plan(random.Random(SEED), today, models)
    existing = set(Customer.objects.filter(code__in=[p["code"] for p in plans]).values_list("code", flat=True))
    users = _users()
    counts = dict.fromkeys(["customers", "contacts", "deliveries", "interactions"], 0)
    for plan in plans:
        if plan["code"] not in existing:
            _create(plan, users, counts)
    stdout.write(
        style.SUCCESS(
            "Customers: {customers} created ({skipped} already there), {contacts} contacts, "
            "{deliveries} deliveries, {interactions} register entries.".format(skipped=len(existing), **counts)
        )
    )


def _users() -> dict:
    wanted = {ACTOR, "sales", "sales2", *SERVICE_STAFF}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=wanted)}
    if missing := wanted - set(users):
        raise CommandError(f"Demo users missing ({', '.join(sorted(missing))}): run aftersales' demo first.")
    return users


def _product_models() -> dict[str, ProductModel]:
    models = {}
    for code, name, months, prefix in PRODUCT_MODELS:
        models[prefix], _created = ProductModel.objects.get_or_create(
            code=code, defaults={"name": name, "warranty_months": months}
        )
    return models


def _plan(rng: random.Random, today: date, models: dict[str, ProductModel]) -> list[dict]:
    """Draw every customer's data up front, so the draws never depend on what exists."""
    batches = _batches(rng, today, list(models))
    plans = []
    for number, (name, industry, region, city) in enumerate(CUSTOMERS, start=1):
        code = f"KH{number:04d}"
        tier = rng.choices("ABC", weights=[2, 3.5, 4.5])[0]
        salesperson = rng.choices(["sales", "sales2", None], weights=[5, 4, 1])[0]
        contacts = [_contact(rng, code, primary=i == 0) for i in range(rng.randint(1, 3))]
        plans.append(
            {
                "code": code,
                "customer": {
                    "code": code,
                    "name": name,
                    "tier_id": tier,
                    "industry": industry,
                    "region": region,
                    "address": _address(rng, region, city),
                    "relationship": _relationship(rng, tier),
                    "notes": rng.choice(NOTES),
                },
                "salesperson": salesperson,
                "contacts": contacts,
                "deliveries": [_delivery(rng, today, name, batches, models) for _ in range(rng.randint(1, 4))],
                "interactions": [
                    _interaction(rng, today, salesperson, len(contacts)) for _ in range(rng.randint(1, 5))
                ],
            }
        )
    return plans


def _address(rng, region: str, city: str) -> str:
    province = "" if region in MUNICIPALITIES else AUTONOMOUS.get(region, f"{region}省")
    return f"{province}{city}{rng.choice(ROADS)}{rng.randint(1, 999)}号"


def _relationship(rng, tier: str) -> str:
    rel = Customer.Relationship
    options = {"A": [rel.STRATEGIC, rel.KEY], "B": [rel.KEY, rel.REGULAR, rel.REGULAR]}
    return rng.choice(options.get(tier, [rel.REGULAR, rel.REGULAR, rel.PROSPECT]))


def _contact(rng, code: str, *, primary: bool) -> dict:
    gender = rng.choices([Contact.Gender.MALE, Contact.Gender.FEMALE], weights=[7, 3])[0]
    surname, surname_py = rng.choice(SURNAMES)
    given, given_py = rng.choice(GIVEN_NAMES[gender])
    birthday = None
    if rng.random() < 0.4:
        birthday = date(rng.randint(1965, 1995), rng.randint(1, 12), rng.randint(1, 28))
    return {
        "name": surname + given,
        "phone": rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}",
        "email": f"{surname_py}.{given_py}@{code.lower()}.example.com" if rng.random() < 0.85 else "",
        "gender": gender,
        "birthday": birthday,
        "role": rng.choice(POSITIONS),
        "is_primary": primary,
    }


def _batches(rng, today: date, prefixes: list[str]) -> list[dict]:
    """Draw production batches over the last four years; several customers share each."""
    batches, per_month = [], {}
    for i in range(BATCHES):
        prefix = prefixes[i] if i < len(prefixes) else rng.choice(prefixes)  # every model delivered
        made = today - timedelta(days=rng.randint(30, 4 * 365))
        key = f"{prefix}{made:%y%m}"
        per_month[key] = per_month.get(key, 0) + 1
        batches.append({"prefix": prefix, "number": f"{key}-{per_month[key]:02d}", "made": made, "units": 0})
    return batches


def _delivery(rng, today: date, customer_name: str, batches: list[dict], models) -> dict:
    batch = rng.choice(batches)
    delivered = min(batch["made"] + timedelta(days=rng.randint(3, 45)), today - timedelta(days=1))
    serial = ""
    quantity = 1
    if rng.random() < 0.2:
        quantity = rng.randint(2, 12)  # a lot, known by its batch number only
    else:
        batch["units"] += 1
        serial = f"{batch['number']}-{batch['units']:03d}"
    return {
        "product_model_id": models[batch["prefix"]].pk,
        "quantity": quantity,
        "batch_number": batch["number"],
        "serial_number": serial,
        "certificate_number": f"HG{delivered:%Y%m}{rng.randint(0, 9999):04d}",
        "delivery_date": delivered,
        "receiving_unit": customer_name + rng.choice(["", "物资部", "项目部", "设备管理部"]),
    }


def _interaction(rng, today: date, salesperson: str | None, contact_count: int) -> dict:
    direction, kinds, summary, response, follow_up, who = rng.choice(INTERACTIONS)
    day = today - timedelta(days=rng.randint(1, 720))
    moment = datetime.combine(day, time(rng.randint(8, 17), rng.choice([0, 10, 20, 30, 40, 50])))
    if who == "sales":
        handler = salesperson or ACTOR
    else:
        handler = rng.choice(SERVICE_STAFF)
    return {
        "handler": handler,
        "contact": rng.randrange(contact_count) if rng.random() < 0.85 else None,
        "kind": rng.choice(kinds),
        "direction": direction,
        "occurred_at": timezone.make_aware(moment),
        "summary": summary,
        "response": response,
        "follow_up_on": day + timedelta(days=rng.randint(2, 14)) if follow_up else None,
    }


def _create(plan: dict, users: dict, counts: dict) -> None:
    actor = users[ACTOR]
    customer = customer_create(actor=actor, salesperson=users.get(plan["salesperson"]), **plan["customer"])
    contacts = [contact_save(actor=actor, customer=customer, **data) for data in plan["contacts"]]
    for data in plan["deliveries"]:
        delivery_save(actor=actor, customer=customer, **data)
    for data in plan["interactions"]:
        data = dict(data)
        handler = users[data.pop("handler")]
        index = data.pop("contact")
        interaction_log(actor=handler, customer=customer, contact=None if index is None else contacts[index], **data)
    counts["customers"] += 1
    counts["contacts"] += len(contacts)
    counts["deliveries"] += len(plan["deliveries"])
    counts["interactions"] += len(plan["interactions"])

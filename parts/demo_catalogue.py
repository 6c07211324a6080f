"""Demo catalogue: four warehouses and about two hundred parts for the demo product models."""

import random
from decimal import Decimal

from django.contrib.auth import get_user_model

from customers.models import ProductModel

from .models import Part, PartCategory, Warehouse

CATEGORIES = [
    ("EL", "电气元件"),
    ("ME", "机械部件"),
    ("IN", "绝缘件"),
    ("MT", "测量与保护"),
    ("CS", "耗材"),
]
# name, model, specification, unit, category, cost, key part, fits (product model codes or "*")
# fmt: off
BASE_PARTS = [
    (
        "真空灭弧室",
        "TD-12/1250-31.5",
        "12kV 1250A 31.5kA",
        "只",
        "EL",
        "1850.00",
        True,
        ["VS1-12", "ZW32-12", "KYN28A-12"],
    ),
    ("弹簧操作机构", "CT19", "DC220V", "套", "ME", "2600.00", True, ["VS1-12", "KYN28A-12"]),
    ("合闸线圈", "HQ-220", "DC220V", "只", "EL", "68.00", True, ["VS1-12", "ZW32-12", "KYN28A-12"]),
    ("分闸线圈", "FQ-220", "DC220V", "只", "EL", "68.00", True, ["VS1-12", "ZW32-12", "KYN28A-12"]),
    ("储能电机", "ZYJ-55", "DC220V 70W", "台", "EL", "420.00", True, ["VS1-12", "KYN28A-12"]),
    ("辅助开关", "F10-12", "12 对触点", "只", "EL", "45.00", False, ["VS1-12", "KYN28A-12", "XGN15-12"]),
    ("带电显示器", "DXN-Q", "户内型 10kV", "只", "MT", "120.00", False, ["KYN28A-12", "XGN15-12"]),
    ("电流互感器", "LZZBJ9-10", "200/5 0.5/10P10", "只", "MT", "560.00", True, ["KYN28A-12", "XGN15-12"]),
    ("零序互感器", "LJ-φ120", "100/1", "只", "MT", "260.00", False, ["KYN28A-12", "GCS"]),
    ("微机综保装置", "PMC-651", "AC/DC220V", "台", "MT", "3200.00", True, ["KYN28A-12", "XGN15-12"]),
    ("触头盒", "CH3-10Q", "150×275", "只", "IN", "85.00", False, ["KYN28A-12"]),
    ("穿墙套管", "CWB-10", "10kV 630A", "只", "IN", "130.00", False, ["KYN28A-12", "YBM-12/0.4"]),
    ("支柱绝缘子", "ZN-10", "10kV", "只", "IN", "28.00", False, ["KYN28A-12", "XGN15-12", "YBM-12/0.4"]),
    ("SF6 负荷开关", "FLN36-12D", "12kV 630A", "台", "EL", "4800.00", True, ["XGN15-12"]),
    ("SF6 密度继电器", "MDJ-1", "0.2-0.6MPa", "只", "MT", "380.00", False, ["XGN15-12"]),
    ("熔断器", "XRNT-12", "12kV 63A", "只", "EL", "95.00", False, ["XGN15-12", "YBM-12/0.4"]),
    ("框架断路器", "CW1-2000", "2000A 3P", "台", "EL", "5600.00", True, ["GCS", "YBM-12/0.4"]),
    ("塑壳断路器", "CM1-250L", "250A 3P", "只", "EL", "380.00", False, ["GCS", "JP-400", "YBM-12/0.4"]),
    ("交流接触器", "CJX2-1810", "AC220V 18A", "只", "EL", "35.50", False, ["GCS", "JP-400"]),
    ("抽屉推进机构", "GCS-TJ", "1/2 单元", "套", "ME", "210.00", False, ["GCS"]),
    ("二次插件", "ECJ-32", "32 芯", "只", "EL", "48.00", False, ["GCS"]),
    ("温控器", "WK-Z2", "AC220V", "只", "MT", "260.00", False, ["SC(B)13-1000/10"]),
    ("冷却风机", "GFD-470", "AC220V 150W", "台", "EL", "310.00", True, ["SC(B)13-1000/10"]),
    ("铂电阻测温元件", "PT100", "三线制", "只", "MT", "58.00", False, ["SC(B)13-1000/10"]),
    ("电容补偿模块", "BSMJ-0.45", "30kvar", "只", "EL", "420.00", False, ["JP-400", "YBM-12/0.4"]),
    ("电能表", "DTZY341", "3×220/380V", "只", "MT", "680.00", False, ["JP-400", "YBM-12/0.4"]),
    ("避雷器", "HY5WS-17/50", "17kV", "只", "EL", "75.00", False, ["ZW32-12", "JP-400", "YBM-12/0.4"]),
    ("控制器", "FTU-ZW32", "DC24V", "台", "MT", "2400.00", True, ["ZW32-12"]),
    ("密封圈", "O 型 φ80", "丁腈橡胶", "只", "CS", "3.50", False, ["*"]),
    ("导电膏", "DJ-1", "500g", "瓶", "CS", "25.00", False, ["*"]),
]
# fmt: on
VARIANTS = 7  # each base part in several ratings, as a real catalogue lists them

WAREHOUSES = [
    ("CK01", "中心库", "central", "江苏省南京市江宁区将军大道 88 号", ["warehouse_keeper"]),
    ("ZD-SZ", "苏州服务站", "station", "江苏省苏州市工业园区星湖街 328 号", ["warehouse_keeper"]),
    ("ZD-HF", "合肥服务站", "station", "安徽省合肥市蜀山区长江西路 669 号", ["warehouse_keeper"]),
    ("CAR-01", "张伟服务车", "van", "", ["aftersales_engineer"]),
]


def seed_catalogue(rng: random.Random) -> tuple[list[Part], dict[str, Warehouse]]:
    """Create (or find) the categories, the demo parts and the warehouses."""
    categories = {
        code: PartCategory.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in CATEGORIES
    }
    models = {m.code: m for m in ProductModel.objects.all()}
    parts = []
    for index, (name, model_no, spec, unit, category, cost, key, fits) in enumerate(BASE_PARTS):
        for variant in range(VARIANTS):
            part = _part(rng, index, variant, name, model_no, spec, unit, categories[category], cost, key)
            part.fits.set(models.values() if fits == ["*"] else [models[c] for c in fits if c in models])
            parts.append(part)
    return parts, _warehouses()


def _part(rng, index, variant, name, model_no, spec, unit, category, cost, key) -> Part:
    base = Decimal(cost)
    price = (base * Decimal(1 + variant * 0.08)).quantize(Decimal("0.01"))
    minimum = rng.choice([2, 3, 4, 5, 6, 8, 10]) if key else rng.choice([0, 2, 4, 6])
    part, _created = Part.objects.get_or_create(
        code=f"PJ-{category.code}-{index + 1:02d}{variant + 1:02d}",
        defaults={
            "name": name,
            "model_no": model_no if variant == 0 else f"{model_no}-{variant}",
            "specification": spec,
            "unit": unit,
            "category": category,
            "is_key": key and variant < 3,
            "standard_cost": price,
            "safety_stock": minimum // 2,
            "min_stock": minimum,
            "max_stock": minimum * 4 if minimum else 0,
            "is_active": variant != VARIANTS - 1 or index % 5 != 0,  # a few obsolete ratings
        },
    )
    return part


def _warehouses() -> dict[str, Warehouse]:
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["warehouse_keeper", "aftersales_engineer"])
    }
    found = {}
    for code, name, kind, address, keepers in WAREHOUSES:
        warehouse, created = Warehouse.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "address": address}
        )
        if created:
            warehouse.keepers.set([users[k] for k in keepers if k in users])
        found[code] = warehouse
    return found

"""Time the customer ledger's list and search on a large ledger (see bench/README.md)."""

import argparse
import datetime
import random

from _common import setup, timed


def fill(count: int) -> None:
    from customers.models import Contact, Customer, Delivery, ProductModel

    existing = Customer.objects.count()
    if existing >= count:
        return
    model, _ = ProductModel.objects.get_or_create(code="BENCH-1", defaults={"name": "bench", "warranty_months": 12})
    rng = random.Random(1)
    regions = ["江苏", "浙江", "广东", "山东", "四川", "湖北", "河南", "北京"]
    batch = 5000
    for start in range(existing, count, batch):
        stop = min(start + batch, count)
        customers = Customer.objects.bulk_create(
            Customer(
                code=f"B{i:07d}", name=f"基准测试客户{i}有限公司", region=rng.choice(regions), tier_id="ABC"[i % 3]
            )
            for i in range(start, stop)
        )
        Contact.objects.bulk_create(
            Contact(customer=c, name="联系人", phone=f"13{i:09d}", is_primary=True)
            for i, c in zip(range(start, stop), customers, strict=True)
        )
        day = datetime.date(2024, 1, 1)
        Delivery.objects.bulk_create(
            Delivery(
                customer=c,
                product_model=model,
                serial_number=f"BSN{i:08d}",
                batch_number=f"BB{i % 500}",
                delivery_date=day,
                warranty_end=day + datetime.timedelta(days=364),
            )
            for i, c in zip(range(start, stop), customers, strict=True)
        )
        print(f"  {stop} customers", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    setup()
    fill(args.customers)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.http import QueryDict

    from customers import selectors

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "bench", "bench@example.com", "bench-pass"
    )

    def page(query: str):
        params = QueryDict(query)

        def run():
            _filter, rows = selectors.customer_list(user=user, params=params)
            page = selectors.paginate(rows, params.get("page", 1))
            return len(page.object_list), page.paginator.count

        return run

    ok = all(
        [
            timed("list, first page + count", page(""), target_ms=100),
            timed("list, last page", page("page=9999"), target_ms=100),
            timed("filter by tier and region", page("tier=A&region=江苏"), target_ms=100),
            timed("search by name substring", page("q=客户4242"), target_ms=100),
            timed("search by code prefix", page("q=B00042"), target_ms=100),
            timed("search by phone prefix", page("q=130000424"), target_ms=100),
            timed("search by serial number", page("q=BSN0004242"), target_ms=100),
        ]
    )
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()

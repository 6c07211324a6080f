"""The daily greetings listing: birthdays and festivals due, one digest a day, nothing sent twice."""

import datetime

import pytest
import time_machine

from aftersales import outbox
from aftersales.models import Notification
from customers.tests.factories import ContactFactory, CustomerFactory

from ..models import Festival, Greeting
from ..services.care import festival_seed_year, greetings_list_due
from ..tasks import list_greetings
from .factories import team
from .factories_care import FestivalFactory, contact_of

pytestmark = pytest.mark.django_db
d = datetime.date


def _at(day: str):
    return time_machine.travel(f"{day} 07:30 +0800", tick=False)


def _drain(mailoutbox):
    outbox.dispatch()
    sent = list(mailoutbox)
    mailoutbox.clear()
    return sent


@pytest.fixture
def people():
    _manager, sales, sales2, *_ = team()
    return sales, sales2


def test_birthdays_from_today_to_three_days_ahead_are_listed_for_the_customers_salesperson(people):
    sales, sales2 = people
    contact_of(sales, "今天生日", birthday=d(1980, 5, 10))
    contact_of(sales, "三天后生日", birthday=d(1975, 5, 13))
    contact_of(sales, "四天后生日", birthday=d(1975, 5, 14))
    contact_of(sales, "昨天生日", birthday=d(1975, 5, 9))
    contact_of(sales2, "李强的客户", birthday=d(1990, 5, 11))
    ContactFactory(customer=CustomerFactory(salesperson=None), name="无业务员", birthday=d(1980, 5, 10))
    ContactFactory(
        customer=CustomerFactory(salesperson=sales, is_active=False), name="停用客户", birthday=d(1980, 5, 10)
    )
    with _at("2027-05-10"):
        FestivalFactory(name="无关", date=d(2027, 6, 1))
        greetings_list_due()
    listed = {(g.contact.name, g.salesperson.username, g.occasion_date) for g in Greeting.objects.all()}
    assert listed == {
        ("今天生日", sales.username, d(2027, 5, 10)),
        ("三天后生日", sales.username, d(2027, 5, 13)),
        ("李强的客户", sales2.username, d(2027, 5, 11)),
    }


@pytest.mark.parametrize(
    ("today", "expected"),
    [("2027-02-25", d(2027, 2, 28)), ("2028-02-26", d(2028, 2, 29)), ("2028-02-27", d(2028, 2, 29))],
)
def test_a_29_february_birthday_is_greeted_on_28_february_in_common_years(people, today, expected):
    sales, _sales2 = people
    contact_of(sales, "闰日", birthday=d(1988, 2, 29))
    with _at(today):
        greetings_list_due()
    assert list(Greeting.objects.values_list("occasion_date", flat=True)) == [expected]


def test_a_festival_is_listed_from_its_days_before_up_to_the_day(people):
    sales, _sales2 = people
    contact_of(sales, "节日联系人")
    with _at("2027-09-10"):
        FestivalFactory(name="中秋", date=d(2027, 9, 15), greet_days_before=5)
        FestivalFactory(name="停用", date=d(2027, 9, 12), is_active=False)
        greetings_list_due()
        assert Greeting.objects.filter(occasion="festival").count() == 1
    with _at("2027-09-16"):
        FestivalFactory(name="国庆", date=d(2027, 10, 1), greet_days_before=5)
        greetings_list_due()
    assert list(Greeting.objects.values_list("festival__name", flat=True)) == ["中秋"]


def test_one_digest_per_salesperson_per_day_and_nothing_twice_under_reruns(people, mailoutbox):
    sales, sales2 = people
    contact_of(sales, "张总", birthday=d(1970, 3, 2))
    contact_of(sales, "刘工", birthday=d(1970, 3, 3))
    contact_of(sales2, "赵经理", birthday=d(1970, 3, 2))
    with _at("2027-03-01"):
        list_greetings()
        first = _drain(mailoutbox)
        assert sorted(m.to[0] for m in first) == sorted([sales.email, sales2.email])
        mine = next(m for m in first if m.to == [sales.email])
        assert "张总" in mine.body and "刘工" in mine.body and "赵经理" not in mine.body
        list_greetings()
        list_greetings()
        assert _drain(mailoutbox) == [] and Greeting.objects.count() == 3
        assert Notification.objects.filter(kind="staff.care.digest").count() == 2
    with _at("2027-03-02"):
        contact_of(sales, "新客户", birthday=d(1970, 3, 5))
        list_greetings()
        second = _drain(mailoutbox)
    assert [m.to for m in second] == [[sales.email]]
    assert "新客户" in second[0].body and "张总" not in second[0].body and "刘工" not in second[0].body


def test_no_digest_when_nothing_is_new(people, mailoutbox):
    with _at("2027-03-01"):
        list_greetings()
    assert _drain(mailoutbox) == [] and not Notification.objects.filter(kind="staff.care.digest").exists()


def test_seeding_loads_the_first_day_of_each_traditional_festival_and_keeps_edits():
    festival_seed_year(2027)
    got = dict(Festival.objects.values_list("name", "date"))
    assert got == {
        "元旦": d(2027, 1, 1),
        "春节": d(2027, 2, 6),
        "清明节": d(2027, 4, 5),
        "劳动节": d(2027, 5, 1),
        "端午节": d(2027, 6, 9),
        "中秋节": d(2027, 9, 15),
        "国庆节": d(2027, 10, 1),
    }
    Festival.objects.filter(name="春节").update(greet_days_before=10, is_active=False)
    assert festival_seed_year(2027) == 0
    spring = Festival.objects.get(name="春节")
    assert (spring.greet_days_before, spring.is_active) == (10, False)


def test_the_daily_listing_loads_this_year_and_next_when_missing(people):
    with _at("2027-03-01"):
        greetings_list_due()
    assert set(Festival.objects.dates("date", "year").values_list("date__year", flat=True)) == {2027, 2028}

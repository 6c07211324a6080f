"""List rows built without Model.__init__ are the instances Django would have built."""

import pytest
from django.db.models import Count, Value
from django.db.models.functions import Upper
from django_fsm import ConcurrentTransition

from aftersales.rows import FastModelIterable, fast_rows
from complaints.models import Complaint
from complaints.selectors import LIST_COLUMNS
from complaints.tests.factories import ComplaintFactory
from customers.tests.factories import CustomerFactory, ProductModelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(make_user):
    engineer = make_user("aftersales_engineer", first_name="伟", last_name="张")
    ComplaintFactory(assignee=engineer, product_model=ProductModelFactory(code="KYN28"), serial_number="SN-1")
    ComplaintFactory(assignee=None, product_model=None, customer=CustomerFactory(name="无型号客户"))
    return engineer


def _shown(c):
    return c.customer.name, c.product_model and c.product_model.code, str(c.assignee or "")


def _django(queryset):
    return list(queryset.order_by("pk"))


def _fast(queryset):
    return list(fast_rows(queryset).order_by("pk"))


def test_the_same_rows_with_the_same_loaded_values_and_related_rows(rows, django_assert_num_queries):
    queryset = Complaint.objects.select_related("customer", "assignee", "product_model").only(*LIST_COLUMNS)
    expected = _django(queryset)
    with django_assert_num_queries(1):  # related rows come with them, nothing is read per row
        got = _fast(queryset)
        seen = [_shown(c) for c in got]

    assert got == expected
    assert seen == [_shown(c) for c in expected]
    for fast, slow in zip(got, expected, strict=True):
        assert fast.get_deferred_fields() == slow.get_deferred_fields()
        loaded = {name: value for name, value in slow.__dict__.items() if not name.startswith("_")}
        assert {name: fast.__dict__[name] for name in loaded} == loaded
        assert (fast._state.adding, fast._state.db) == (False, "default")
        if fast.product_model is not None:
            assert fast.product_model._state.adding is False
    assert got[1].assignee is None and got[1].product_model is None


def test_a_deferred_column_is_read_on_access_as_from_a_row_django_built(rows):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queryset = Complaint.objects.only(*[c for c in LIST_COLUMNS if "__" not in c])
    reads = {}
    for name, build in (("django", _django), ("fast", _fast)):
        complaint = build(queryset)[0]
        with CaptureQueriesContext(connection) as queries:
            assert complaint.description == "客户反映合闸时有异常响声。"
        reads[name] = [q["sql"] for q in queries.captured_queries]

    assert reads["fast"] == reads["django"]
    assert any('"description"' in sql for sql in reads["fast"])


@pytest.mark.parametrize("build", [_django, _fast], ids=["django", "fast"])
def test_django_fsm_still_refuses_a_row_changed_since_it_was_read(rows, build):
    """django-fsm's concurrency check needs the stage the row was loaded in, as Model.__init__ records it."""
    complaint = build(Complaint.objects.all())[0]
    Complaint.objects.filter(pk=complaint.pk).update(state=Complaint.State.CLOSED)

    complaint.start_analysis()
    with pytest.raises(ConcurrentTransition):
        complaint.save()


def test_a_row_read_by_the_list_saves_its_transition(rows):
    complaint = _fast(Complaint.objects.all())[0]

    complaint.start_analysis()
    complaint.save()

    assert Complaint.objects.get(pk=complaint.pk).state == Complaint.State.ANALYSING


@pytest.mark.parametrize(
    "shape",
    [
        lambda qs: qs.annotate(event_count=Count("events")),
        lambda qs: qs.annotate(shout=Upper("title"), one=Value(1)),
    ],
    ids=["aggregate", "expressions"],
)
def test_shapes_it_does_not_cover_are_built_by_django(rows, shape):
    queryset = shape(Complaint.objects.select_related("customer"))

    fast = _fast(queryset)

    assert fast == _django(queryset)
    assert [getattr(c, "event_count", None) or getattr(c, "shout", None) for c in fast] == [
        getattr(c, "event_count", None) or getattr(c, "shout", None) for c in _django(queryset)
    ]


def test_the_iterable_survives_the_queryset_being_narrowed(rows):
    queryset = fast_rows(Complaint.objects.select_related("customer")).filter(assignee=rows)[:5]

    assert queryset._iterable_class is FastModelIterable
    assert [c.assignee_id for c in queryset] == [rows.pk]

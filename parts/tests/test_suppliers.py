"""Supplier ratings (weights, grade, prefill from receipts) and reminders of expiring documents."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from aftersales import roles
from aftersales.models import Notification
from aftersales.outbox import dispatch
from parts import services
from parts.models import PurchaseReceipt
from parts.models.suppliers import grade_for
from parts.services.suppliers import period_range

from .purchasing_factories import PurchasePlanLineFactory, SupplierDocumentFactory, SupplierFactory

pytestmark = pytest.mark.django_db

D = datetime.date
SCORES = {"qualification": 100, "reputation": 80, "quality": 90, "price": 70, "lead_time": 60}


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
        ("2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),
        ("2026", D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_periods_are_quarters_or_years(period, first, last):
    assert period_range(period) == (first, last)


@pytest.mark.parametrize("period", ["2026-Q5", "26", "2026Q1", ""])
def test_other_periods_are_refused(period):
    with pytest.raises(ValidationError):
        period_range(period)


@pytest.mark.parametrize(("score", "grade"), [(90, "A"), (89.99, "B"), (75, "B"), (74.5, "C"), (60, "C"), (59.99, "D")])
def test_grades(score, grade):
    assert grade_for(Decimal(str(score))) == grade


def test_a_rating_weighs_the_scores_and_gives_the_supplier_its_grade(role_user, settings):
    settings.PARTS_RATING_WEIGHTS = {"qualification": 15, "reputation": 10, "quality": 35, "price": 20, "lead_time": 20}
    supplier = SupplierFactory()
    rating = services.rating_save(actor=role_user(roles.PURCHASING), supplier=supplier, period="2026-Q2", scores=SCORES)
    # 15 + 8 + 31.5 + 14 + 12 = 80.5
    assert rating.score == Decimal("80.50") and rating.grade == "B"
    assert rating.weights["quality"] == 35
    supplier.refresh_from_db()
    assert supplier.grade == "B"
    with pytest.raises(ValidationError):
        services.rating_save(actor=role_user(roles.PURCHASING), supplier=supplier, period="2026-Q2", scores=SCORES)
    services.rating_save(
        actor=role_user(roles.PURCHASING), supplier=supplier, period="2026-Q1", scores={**SCORES, "quality": 0}
    )
    supplier.refresh_from_db()
    assert supplier.grade == "B"  # the latest period's grade stands
    assert supplier.ratings.count() == 2


@pytest.mark.parametrize("role", [r for r in roles.ALL if r != roles.PURCHASING])
def test_only_purchasing_rates(role_user, role):
    with pytest.raises(PermissionDenied):
        services.rating_save(actor=role_user(role), supplier=SupplierFactory(), period="2026", scores=SCORES)


def test_a_period_not_yet_begun_is_refused(role_user):
    with pytest.raises(ValidationError) as refused:
        services.rating_save(
            actor=role_user(roles.PURCHASING), supplier=SupplierFactory(), period="2099-Q1", scores=SCORES
        )
    assert "period" in refused.value.message_dict


def test_scores_out_of_range_are_refused(role_user):
    with pytest.raises(ValidationError) as refused:
        services.rating_save(
            actor=role_user(roles.PURCHASING),
            supplier=SupplierFactory(),
            period="2026",
            scores={**SCORES, "price": 101},
        )
    assert "price" in refused.value.message_dict


def receipt(line, received, rejected, date, promised, user):
    return PurchaseReceipt.objects.create(
        line=line,
        quantity_received=received,
        quantity_rejected=rejected,
        unit_cost=1,
        received_date=date,
        promised_date=promised,
        received_by=user,
    )


def test_quality_and_lead_time_are_prefilled_from_the_periods_receipts(role_user):
    user = role_user(roles.PURCHASING)
    supplier = SupplierFactory()
    line = PurchasePlanLineFactory(supplier=supplier, state="ordered", order_reference="PO")
    receipt(line, 40, 2, D(2026, 7, 10), D(2026, 7, 10), user)  # on time
    receipt(line, 60, 3, D(2026, 8, 20), D(2026, 8, 15), user)  # late
    receipt(line, 100, 50, D(2026, 10, 2), D(2026, 10, 9), user)  # next quarter
    receipt(PurchasePlanLineFactory(state="ordered", order_reference="X"), 10, 10, D(2026, 7, 1), None, user)
    assert services.rating_prefill(supplier, "2026-Q3") == {"quality": 95, "lead_time": 50, "receipts": 2}
    assert services.rating_prefill(supplier, "2026-Q2") == {"quality": None, "lead_time": None, "receipts": 0}


def test_the_rating_form_shows_the_prefilled_figures(client_for, role_user):
    from django.urls import reverse

    supplier = SupplierFactory()
    line = PurchasePlanLineFactory(supplier=supplier, state="ordered", order_reference="PO")
    receipt(line, 10, 1, D(2026, 7, 10), D(2026, 7, 9), role_user(roles.PURCHASING))
    page = client_for(roles.PURCHASING).get(reverse("parts:supplier_rate", args=[supplier.pk]), {"period": "2026-Q3"})
    assert page.status_code == 200
    assert page.context["form"].initial["quality"] == 90 and page.context["form"].initial["lead_time"] == 0
    response = client_for(roles.PURCHASING).post(
        reverse("parts:supplier_rate", args=[supplier.pk]), {"period": "2026-Q3", **SCORES, "notes": ""}
    )
    assert response.status_code == 302 and supplier.ratings.get().period == "2026-Q3"


def test_an_expiring_document_is_reminded_once_and_again_after_renewal(role_user, mailoutbox, settings):
    settings.PARTS_DOCUMENT_REMINDER_DAYS = 30
    buyer = role_user(roles.PURCHASING)
    today = timezone.localdate()
    soon = SupplierDocumentFactory(valid_until=today + datetime.timedelta(days=20))
    SupplierDocumentFactory(valid_until=today + datetime.timedelta(days=60))
    SupplierDocumentFactory(valid_until=today - datetime.timedelta(days=1))
    assert services.remind_expiring_documents() == 1
    assert services.remind_expiring_documents() == 0
    dispatch()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [buyer.email] and soon.number in mailoutbox[0].body
    soon.valid_until = today + datetime.timedelta(days=25)
    soon.save()
    assert services.remind_expiring_documents() == 1
    assert Notification.objects.filter(kind="parts.document_expiring").count() == 2

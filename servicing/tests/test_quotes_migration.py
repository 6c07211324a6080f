"""The complaint's three quote amounts become quotes: accepted past approval, drafts before."""

from decimal import Decimal

import pytest
from django.utils import timezone

BEFORE = [("complaints", "0012_service_work_moves_to_servicing"), ("servicing", "0005_commissioning")]
AFTER = [("complaints", "0013_remove_complaint_quote_fields"), ("servicing", "0006_quotes")]


@pytest.mark.django_db(transaction=True)
def test_old_quote_amounts_become_quotes_and_the_fields_go(migrator_factory):
    migrator = migrator_factory()
    old = migrator.apply_initial_migration(BEFORE)
    User = old.apps.get_model("aftersales", "User")
    Customer = old.apps.get_model("customers", "Customer")
    Complaint = old.apps.get_model("complaints", "Complaint")
    user = User.objects.create(username="before_quotes", password="!")
    customer = Customer.objects.create(code="MIGQ01", name="报价迁移客户")
    now = timezone.now()

    def complaint(number, state, **amounts):
        return Complaint.objects.create(
            number=number,
            customer=customer,
            title="t",
            description="d",
            received_by=user,
            received_at=now,
            state=state,
            warranty_status="out",
            **amounts,
        ).pk

    closed = complaint(
        "TS-202611-0001", "closed", quote_parts=Decimal("1200"), quote_labour=Decimal("800"), acceptance_name="王工"
    )
    analysing = complaint("TS-202611-0002", "analysing", quote_travel=Decimal("300.50"))
    nothing = complaint("TS-202611-0003", "rectifying")

    new = migrator.apply_tested_migration(AFTER)
    Quote = new.apps.get_model("servicing", "Quote")
    accepted = Quote.objects.get(complaint_id=closed)
    assert (accepted.state, accepted.total, accepted.tax_rate, accepted.answer_name) == (
        "accepted",
        Decimal("2000.00"),
        Decimal("0.00"),
        "王工",
    )
    assert accepted.number.startswith("BJ-") and accepted.sent_at is not None and accepted.answer_date is not None
    assert sorted(accepted.lines.values_list("kind", "amount")) == [
        ("labour", Decimal("800.00")),
        ("parts", Decimal("1200.00")),
    ]
    draft = Quote.objects.get(complaint_id=analysing)
    assert (draft.state, draft.total) == ("draft", Decimal("300.50"))
    assert list(draft.lines.values_list("kind", flat=True)) == ["travel"]
    assert not Quote.objects.filter(complaint_id=nothing).exists()
    fields = {f.name for f in new.apps.get_model("complaints", "Complaint")._meta.get_fields()}
    assert not {"quote_parts", "quote_labour", "quote_travel"} & fields
    # Roles got the new permissions.
    Permission = new.apps.get_model("auth", "Permission")
    assert Permission.objects.filter(group__name="sales", codename="answer_quote").exists()
    assert not Permission.objects.filter(group__name="sales", codename="view_claimcost").exists()

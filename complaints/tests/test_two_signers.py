"""A major complaint's disposal needs two signatures from two different people."""

import pytest
from django.core.exceptions import ValidationError

from aftersales import roles
from complaints.models import Complaint, Severity
from complaints.services import complaint_sign_approval

from .factories import ComplaintFactory


def test_one_person_holding_both_roles_cannot_sign_a_major_complaint_twice(people, customer, make_user):
    both = make_user(roles.AFTERSALES_MANAGER, roles.GENERAL_MANAGER, username="manager_and_gm")
    complaint = ComplaintFactory(
        customer=customer,
        state=Complaint.State.AWAITING_APPROVAL,
        severity=Severity.MAJOR,
        analysed=True,
        received_by=people.sales,
        assignee=people.engineer,
    )
    complaint_sign_approval(actor=both, complaint=complaint)

    with pytest.raises(ValidationError) as error:
        complaint_sign_approval(actor=both, complaint=complaint)

    assert error.value.code == "same_signer"
    complaint = complaint_sign_approval(actor=people.gm, complaint=complaint)
    assert complaint.state == Complaint.State.RECTIFYING

"""A major problem needs two signatures from two different people."""

import pytest
from django.core.exceptions import ValidationError

from aftersales import roles
from complaints.models import Severity
from quality import services
from quality.models import QualitySheet

from .builders import sheet_at


def test_one_person_holding_both_roles_cannot_sign_a_major_sheet_twice(people, make_user):
    both = make_user(roles.QUALITY_DEPUTY, roles.GENERAL_MANAGER, username="deputy_and_gm")
    sheet = sheet_at(people, QualitySheet.State.AWAITING_APPROVAL, severity=Severity.MAJOR)
    services.sheet_sign_approval(actor=both, sheet=sheet)

    with pytest.raises(ValidationError) as error:
        services.sheet_sign_approval(actor=both, sheet=sheet)

    assert error.value.code == "same_signer"
    sheet.refresh_from_db()
    assert sheet.gm_approved_at is None
    services.sheet_sign_approval(actor=people.gm, sheet=sheet)
    sheet.refresh_from_db()
    assert sheet.approvals_complete()

"""Fixtures of the parts tests, one import per area, and the ledger check after each test."""

import pytest

from parts.stock import discrepancies

from .requisition_setup import req  # noqa: F401


@pytest.fixture(autouse=True)
def ledger_agrees_after_each_test(request):
    """After every parts test that used the database, the ledger must still prove each balance."""
    uses_db = "django_db" in request.keywords
    if uses_db:
        request.getfixturevalue("_django_db_helper")  # torn down after this check, not before
    yield
    if uses_db and "ledger_tampered" not in request.keywords:  # a fixture may mark it meanwhile
        assert list(discrepancies()) == [], "a balance differs from the sum of its ledger"

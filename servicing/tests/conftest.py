"""Fixtures of the service-work tests: the people around a complaint and their customer, as in complaints.

``cast`` and ``world`` are the complaint pages' own (complaints/tests/test_views.py), for the
tests of what service work adds to those pages; a module defining its own ``world`` keeps it.
"""

from complaints.tests.conftest import customer, people, private_media  # noqa: F401
from complaints.tests.test_views import cast, world  # noqa: F401

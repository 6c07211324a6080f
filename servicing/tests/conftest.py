"""Fixtures of the service-work tests: the people around a complaint and their customer, as in complaints."""

from complaints.tests.conftest import customer, people, private_media  # noqa: F401

"""Fixtures of the quality tests: the people of the quality chain, queued mail, bare templates."""

from types import SimpleNamespace

import pytest

from aftersales import outbox, roles
from customers.tests.factories import CustomerFactory

from .. import emails

KINDS = [*emails.SHEET_MESSAGES, *emails.TASK_MESSAGES, *emails.CAPA_MESSAGES]


@pytest.fixture(autouse=True)
def email_templates(settings, tmp_path_factory):
    """Add bare e-mail templates behind templates/: the real ones win wherever they exist."""
    folder = tmp_path_factory.getbasetemp() / "quality-bare-templates"
    folder_emails = folder / "emails"
    if not folder_emails.exists():
        folder_emails.mkdir(parents=True)
        for kind in KINDS:
            record = "action" if kind.startswith("capa_") else "sheet"
            text = f"{kind} {{{{ {record}.number }}}} {{{{ reason }}}}"
            (folder_emails / f"quality_{kind}_subject.txt").write_text(text)
            (folder_emails / f"quality_{kind}_body.txt").write_text(text)
            (folder_emails / f"quality_{kind}_body.html").write_text(f"<p>{text}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], folder]}]
    return folder


@pytest.fixture
def queued(monkeypatch):
    """Record each quality e-mail the outbox dispatches as (kind, object id) instead of sending it."""
    calls = []

    def record(kind, object_id, extra):
        calls.append((kind, object_id))
        return 0

    monkeypatch.setitem(outbox._HANDLERS, "quality", record)
    return calls


def _in_department(user, department):
    user.department = department
    user.save(update_fields=["department"])
    return user


@pytest.fixture
def people(make_user, role_user):
    """Return one user per quality role, a second deputy and engineer, and the sales user."""
    return SimpleNamespace(
        sales=role_user(roles.SALES),
        engineer=role_user(roles.AFTERSALES_ENGINEER),
        manager=role_user(roles.AFTERSALES_MANAGER),
        investigator=_in_department(role_user(roles.QUALITY_ENGINEER), "技术部"),
        other_engineer=make_user(roles.QUALITY_ENGINEER, username="other_quality_engineer"),
        leader=role_user(roles.QUALITY_LEADER),
        clerk=role_user(roles.QUALITY_CLERK),
        deputy=role_user(roles.QUALITY_DEPUTY),
        second_deputy=make_user(roles.QUALITY_DEPUTY, username="second_deputy"),
        gm=role_user(roles.GENERAL_MANAGER),
        # A responsible person (责任人员) of production: department tasks go to staff whose role opens sheets.
        owner=make_user(roles.AFTERSALES_ENGINEER, username="production_head", department="生产部"),
    )


@pytest.fixture
def everyone(make_user):
    """Return a user holding every role, so that a stage check is tested apart from the role check."""
    return make_user(*roles.ALL, username="all_roles")


@pytest.fixture
def customer(people):
    """Return a customer of the sales user."""
    return CustomerFactory(salesperson=people.sales)

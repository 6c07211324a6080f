"""Concluding a campaign: the gate below the target, frozen figures, the report workbook, the e-mail."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from aftersales import outbox
from aftersales.storage import private_storage

from ..models import CampaignEvent
from ..services.results import campaign_conclude
from . import factories_results as f


@pytest.fixture(autouse=True)
def _private(db, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    f.set_weights(A="3.00", B="2.00", C="1.00")


@pytest.fixture
def leader(role_user):
    return role_user("quality_leader")


def test_below_target_without_a_reason_is_refused(leader):
    c = f.campaign(target=3)
    f.response(c, scores=(4, 4))
    with pytest.raises(ValidationError) as error:
        campaign_conclude(actor=leader, campaign=c)
    assert "reason" in error.value.message_dict
    c.refresh_from_db()
    assert c.state == "closed" and c.results is None


def test_below_target_with_a_reason_concludes_and_records_it(leader):
    c = f.campaign(target=3)
    f.response(c, scores=(4, 4))
    campaign_conclude(actor=leader, campaign=c, reason="年底客户停产检修", summary="总体满意")
    c.refresh_from_db()
    assert c.state == "concluded" and c.concluded_by == leader and c.concluded_at
    assert c.shortfall_reason == "年底客户停产检修" and c.summary == "总体满意"
    event = CampaignEvent.objects.get(campaign=c, verb="concluded")
    assert "年底客户停产检修" in event.note


def test_at_target_no_reason_is_needed(leader):
    c = f.campaign(target=2)
    f.response(c, scores=(4, 4))
    f.response(c, scores=(5, 5))
    campaign_conclude(actor=leader, campaign=c)
    c.refresh_from_db()
    assert c.state == "concluded" and c.shortfall_reason == ""


@pytest.mark.parametrize("role", ["quality_engineer", "quality_deputy", "sales", "management", "aftersales_manager"])
def test_only_the_quality_leader_concludes(role_user, role):
    c = f.campaign(target=0)
    with pytest.raises(PermissionDenied):
        campaign_conclude(actor=role_user(role), campaign=c)


@pytest.mark.parametrize("state", ["draft", "open", "concluded"])
def test_only_a_closed_campaign_is_concluded(leader, state):
    c = f.campaign(state=state, target=0)
    with pytest.raises(ValidationError):
        campaign_conclude(actor=leader, campaign=c, reason="x")


def test_frozen_figures_do_not_change_when_answers_change_later(leader):
    c = f.campaign(target=1)
    r = f.response(c, scores=(5, 5))
    campaign_conclude(actor=leader, campaign=c)
    c.refresh_from_db()
    assert c.results["csi"] == 100.0
    r.answers.update(score=1)
    f.response(c, scores=(1, 1))
    c.refresh_from_db()
    assert c.results["csi"] == 100.0 and c.results["answered"] == 1
    assert c.results["tiers"][0]["counts"] == [1, 0, 0, 0, 0]  # very satisfied … very dissatisfied


def test_the_report_workbook_holds_the_figures(leader):
    c = f.campaign(target=5)
    f.response(c, tier="A", scores=(5, 5))
    f.response(c, tier="C", scores=(2, 1))
    campaign_conclude(actor=leader, campaign=c, reason="回收率偏低", summary="改进到场及时性")
    c.refresh_from_db()
    with private_storage().open(c.report.name, "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    # CSI = (3·100 + 1·12.5) / (3 + 1) = 78.125 → 78.1
    values = list(summary.values())
    assert 78.1 in values and "回收率偏低" in values and "改进到场及时性" in values
    assert [ws.title for ws in book.worksheets][:1] and len(book.worksheets) == 6
    tiers = list(book.worksheets[3].iter_rows(min_row=2, values_only=True))
    assert tiers[0][0] == "A" and tiers[0][2] == 3.0 and tiers[0][6] == 100.0
    questions = [row[1] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert "到场及时性" in questions


def test_management_and_the_quality_deputy_get_one_email(leader, role_user, mailoutbox):
    role_user("management"), role_user("quality_deputy"), role_user("sales")
    c = f.campaign(target=0)
    f.response(c, scores=(4, 4))
    campaign_conclude(actor=leader, campaign=c)
    outbox.dispatch()
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == ["management_user@example.com", "quality_deputy_user@example.com"]
    assert c.name in mailoutbox[0].subject


def test_a_finding_made_after_the_conclusion_is_in_the_kept_report(leader, role_user):
    import datetime

    from ..services.results import finding_create

    c = f.campaign(target=1)
    f.response(c, scores=(2, 4))
    campaign_conclude(actor=leader, campaign=c)
    c.refresh_from_db()
    frozen = c.results
    finding = finding_create(
        actor=leader,
        campaign=c,
        question=c.q.timely,
        kind="corrective",
        problem="到场不及时",
        planned_action="设立值班电话",
        owner=role_user("quality_engineer"),
        department="售后服务组",
        due_date=datetime.date.today() + datetime.timedelta(days=30),
    )
    c.refresh_from_db()
    assert c.results == frozen
    with c.report.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    findings = [row for row in book.worksheets[4].iter_rows(min_row=2, values_only=True)]
    assert any(finding.capa.number in [str(v) for v in row] for row in findings)

"""Training pages per role, by content, with two salespeople: sales2's exam score never reaches sales."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.models import Notification
from aftersales.tests.pages import english
from staff.models import TrainingSession

from . import factories_training as f
from .factories import team

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    manager, sales, sales2, engineer, boss = team("pg")
    theirs = f.held(manager, {sales2: (True, 47.5, "S2-SECRET-NOTE")}, title="二号的培训")
    mine = f.held(manager, {sales: (True, 88.5, "S1-OWN-NOTE"), engineer: (False, None)}, title="一号的培训")
    material = f.material(manager, theirs, name="S2-MATERIAL.pdf")
    return {
        "manager": manager,
        "sales": sales,
        "sales2": sales2,
        "engineer": engineer,
        "boss": boss,
        "theirs": theirs,
        "mine": mine,
        "material": material,
    }


def _get(client, user, url):
    client.force_login(user)
    return english(client).get(url)


def test_sales_see_the_calendar_and_their_own_scores_only(client, world):
    sales = world["sales"]
    listing = _get(client, sales, reverse("staff:training_sessions") + "?tab=all").content.decode()
    assert world["theirs"].title in listing and world["mine"].title in listing
    page = _get(client, sales, world["theirs"].get_absolute_url()).content.decode()
    assert world["theirs"].title in page
    assert "47.5" not in page and "S2-SECRET-NOTE" not in page and "S2-MATERIAL" not in page
    assert "1 other person invited" in page
    own = _get(client, sales, world["mine"].get_absolute_url()).content.decode()
    assert "88.5" in own and "S1-OWN-NOTE" in own
    assert str(world["engineer"]) not in own  # a colleague's attendance is not theirs to read
    history = _get(client, sales, reverse("staff:training_history", args=[sales.pk])).content.decode()
    assert "88.5" in history and "47.5" not in history
    assert _get(client, sales, reverse("staff:training_history", args=[world["sales2"].pk])).status_code == 403


def test_the_manager_and_management_see_everyone(client, world):
    for user in (world["manager"], world["boss"]):
        page = _get(client, user, world["theirs"].get_absolute_url()).content.decode()
        if user == world["manager"]:
            assert "47.5" in page and "S2-MATERIAL" in page
        history = _get(client, user, reverse("staff:training_history", args=[world["sales2"].pk])).content.decode()
        assert "47.5" in history and "failed" in history


def test_only_training_managers_reach_the_steps(client, world):
    number = world["mine"].number
    for name in ("training_session_create", "training_plan_create"):
        assert _get(client, world["sales"], reverse(f"staff:{name}")).status_code == 403
    for name in ("training_session_edit", "training_session_hold"):
        assert _get(client, world["sales"], reverse(f"staff:{name}", args=[number])).status_code == 403
    assert _get(client, world["manager"], reverse("staff:training_session_create")).status_code == 200
    client.force_login(world["sales"])
    assert client.post(reverse("staff:training_session_cancel", args=[number]), {"reason": "x"}).status_code == 403


def test_material_download_is_for_attendees_trainer_and_managers(client, world):
    url = reverse("staff:training_material", args=[world["theirs"].number, world["material"].pk])
    assert _get(client, world["sales"], url).status_code == 404
    assert _get(client, world["engineer"], url).status_code == 404
    for user in (world["sales2"], world["manager"], world["boss"]):
        response = _get(client, user, url)
        assert response.status_code == 200 and b"%PDF" in b"".join(response.streaming_content)


def test_a_manager_schedules_holds_and_sees_the_waiting_line(client, world):
    manager, sales = world["manager"], world["sales"]
    past = f.session(manager, sales, starts_in=-datetime.timedelta(hours=2), title="待记录")
    page = _get(client, manager, past.get_absolute_url()).content.decode()
    assert 'data-testid="waiting-on"' in page and "to record the session held" in page
    work = _get(client, manager, reverse("complaints:my_work")).content.decode()
    assert past.number in work
    response = client.post(
        reverse("staff:training_session_hold", args=[past.number]),
        {f"attended_{sales.pk}": "yes", f"score_{sales.pk}": "120"},
    )
    assert response.status_code == 200 and "Ensure this value is less than or equal to 100" in response.content.decode()
    response = client.post(
        reverse("staff:training_session_hold", args=[past.number]),
        {f"attended_{sales.pk}": "yes", f"score_{sales.pk}": "70"},
    )
    assert response.status_code == 302
    past.refresh_from_db()
    assert past.state == TrainingSession.State.HELD


def test_a_session_held_last_week_is_entered_after_the_fact_and_recorded_held(client, world):
    manager, sales = world["manager"], world["sales"]
    client.force_login(manager)
    last_week = timezone.localtime() - datetime.timedelta(days=7)
    response = english(client).post(
        reverse("staff:training_session_create"),
        {
            "topic": "product",
            "title": "上周的培训",
            "trainer_name": "外部",
            "starts_at": last_week.strftime("%Y-%m-%dT09:00"),
            "hours": "2",
            "has_exam": "on",
            "pass_mark": "60",
        },
        follow=True,
    )
    assert "Session entered after the fact" in response.content.decode()
    session = TrainingSession.objects.get(title="上周的培训")
    before = Notification.objects.count()
    response = client.post(reverse("staff:training_session_invite", args=[session.number]), {"people": [sales.pk]})
    assert response.status_code == 302
    assert Notification.objects.count() == before  # nobody is invited by e-mail to a session already held
    response = client.post(
        reverse("staff:training_session_hold", args=[session.number]),
        {f"attended_{sales.pk}": "yes", f"score_{sales.pk}": "82"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.state == TrainingSession.State.HELD
    assert session.attendances.get(person=sales).exam_score == 82


def test_the_session_list_costs_the_same_for_many_rows(client, world, django_assert_max_num_queries):
    manager, sales = world["manager"], world["sales"]
    client.force_login(sales)
    url = reverse("staff:training_sessions") + "?tab=all"
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for index in range(15):
        f.session(manager, sales, title=f"课程{index}", starts_in=datetime.timedelta(days=index + 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "课程14" in page

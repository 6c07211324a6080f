"""The customer's answer page: the personal link, its refusals, rate limits and headers."""

import secrets

import pytest
import time_machine
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from ..models import Answer, Level, Response
from .factories_answers import CampaignFactory, QuestionFactory, ResponseFactory, full_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _december(settings):
    settings.COMPANY_NAME = "江苏华电开关有限公司"
    with time_machine.travel("2026-12-10 10:00 +0800", tick=False):
        yield


@pytest.fixture
def survey():
    questionnaire, asked = full_questionnaire()
    response = ResponseFactory(campaign=CampaignFactory(questionnaire=questionnaire, name="2026年度满意度调查"))
    return response, asked


def url(response_or_token):
    token = getattr(response_or_token, "token", response_or_token)
    return reverse("survey_public:answer", args=[token])


def form_data(asked, action="save", **values):
    data = {"action": action}
    for kind, value in values.items():
        data[f"q{asked[kind].pk}"] = value
    return data


def complete(asked, action="submit"):
    single = asked["single"].choices.first().pk
    multiple = [c.pk for c in asked["multiple"].choices.all()][:2]
    return form_data(asked, action, scale="4", single=str(single), multiple=multiple, nps="9", text="希望更快")


def test_the_page_shows_company_campaign_introduction_and_questions_in_chinese(client, survey):
    response, asked = survey
    page = client.get(url(response), HTTP_ACCEPT_LANGUAGE="en-US")
    text = page.content.decode()
    assert page.status_code == 200
    for shown in ("江苏华电开关有限公司", "2026年度满意度调查", "感谢您抽出宝贵时间", "响应及时性", "推荐意愿"):
        assert shown in text
    assert 'lang="zh-hans"' in text
    with override("zh-hans"):
        for label in (Level.VERY_SATISFIED.label, Level.VERY_DISSATISFIED.label, _("Save and continue later")):
            assert str(label) in text
    assert 'name="viewport"' in text and "csrftoken" in page.cookies


def test_english_when_the_customer_chose_it(client, survey, settings):
    response, _asked = survey
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(url(response)).content.decode()
    assert "Very satisfied" in text and "Save and continue later" in text


def test_public_answers_keep_the_token_out_of_caches_robots_and_other_sites(client, survey):
    response, _asked = survey
    for page in (client.get(url(response)), client.get(url("x" * 43))):
        assert "no-store" in page["Cache-Control"]
        assert "noindex" in page["X-Robots-Tag"]
        assert page["Referrer-Policy"] == "same-origin"


def test_a_token_shows_only_its_own_customers_name(client, survey):
    response, _asked = survey
    other = ResponseFactory(campaign=response.campaign)
    text = client.get(url(response)).content.decode()
    assert response.customer.name in text
    assert other.customer.name not in text and other.token not in text


def test_save_and_resume_keeps_the_answers(client, survey):
    response, asked = survey
    saved = client.post(url(response), form_data(asked, scale="2", text="备件太慢"))
    assert saved.status_code == 302
    again = client.get(url(response)).content.decode()
    assert "备件太慢" in again
    assert f'value="2" class="btn-check" id="id_q{asked["scale"].pk}_3" checked' in again
    assert Response.objects.get(pk=response.pk).submitted_at is None
    assert Answer.objects.get(response=response, question=asked["scale"]).score == 2


def test_submit_reports_every_missing_required_question_at_once_and_keeps_what_was_typed(client, survey):
    response, asked = survey
    page = client.post(url(response), form_data(asked, "submit", scale="5", text="请保留这段文字"))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('data-testid="question-error"') == 3
    for name in ("联系方式", "改进方面", "推荐意愿"):
        assert name in text
    assert "请保留这段文字" in text
    assert Response.objects.get(pk=response.pk).submitted_at is None


def test_submit_thanks_the_customer_and_the_link_then_only_says_already_answered(client, survey):
    response, asked = survey
    done = client.post(url(response), complete(asked))
    assert done.status_code == 200 and "衷心感谢您的支持" in done.content.decode()
    again = client.get(url(response))
    text = again.content.decode()
    assert again.status_code == 410 and 'data-testid="already-answered"' in text
    assert "希望更快" not in text and "响应及时性" not in text


def test_reuse_after_submit_is_refused_and_the_answers_stay(client, survey):
    response, asked = survey
    client.post(url(response), complete(asked))
    retry = client.post(url(response), form_data(asked, "submit", scale="1", text="改掉"))
    assert retry.status_code == 410
    assert Answer.objects.get(response=response, question=asked["scale"]).score == 4
    assert Answer.objects.get(response=response, question=asked["text"]).text == "希望更快"


def test_the_link_expires_after_the_closing_date(client, survey):
    response, asked = survey
    with time_machine.travel("2027-01-01 08:00 +0800", tick=False):
        page = client.get(url(response))
        posted = client.post(url(response), complete(asked))
    assert page.status_code == 410 and 'data-testid="survey-closed"' in page.content.decode()
    assert posted.status_code == 410
    assert not Answer.objects.filter(response=response).exists()


@pytest.mark.parametrize(
    "state,status,testid",
    [("closed", 410, "survey-closed"), ("concluded", 410, "survey-closed"), ("draft", 404, "link-unknown")],
)
def test_a_campaign_not_open_gets_a_clear_page(client, survey, state, status, testid):
    response, _asked = survey
    other = ResponseFactory(campaign=CampaignFactory(questionnaire=response.campaign.questionnaire, state=state))
    page = client.get(url(other))
    assert page.status_code == status and f'data-testid="{testid}"' in page.content.decode()
    assert other.customer.name not in page.content.decode()


def test_a_token_of_another_campaign_never_writes_to_this_campaigns_response(client, survey):
    response, asked = survey
    other_campaign = CampaignFactory()
    foreign = ResponseFactory(campaign=other_campaign, customer=response.customer)
    QuestionFactory(questionnaire=other_campaign.questionnaire, text="别的问卷")
    client.post(url(foreign), complete(asked))
    assert not Answer.objects.filter(response=response).exists()
    assert not Answer.objects.filter(question__in=asked.values()).exists()
    assert "响应及时性" not in client.get(url(foreign)).content.decode()


def test_random_tokens_get_a_plain_404(client, survey):
    for _n in range(5):
        page = client.get(url(secrets.token_urlsafe(32)))
        assert page.status_code == 404 and 'data-testid="link-unknown"' in page.content.decode()


@pytest.mark.parametrize(
    "token",
    ["a" * 5000, "满意度调查" * 10, "..%2F..%2Fetc%2Fpasswd", "%00", "'; DROP TABLE surveys_response;--", "%F0%9F"],
)
def test_garbage_tokens_never_cause_a_server_error(client, survey, token):
    page = client.get(f"/s/{token}/")
    assert page.status_code in (404, 429)
    assert survey[0].customer.name not in page.content.decode()


def test_token_guessing_is_stopped_after_ten_misses_even_for_a_real_token(client, survey):
    response, _asked = survey
    statuses = [client.get(url(secrets.token_urlsafe(32))).status_code for _n in range(11)]
    assert statuses[:10] == [404] * 10 and statuses[10] == 429
    blocked = client.get(url(response))
    with override("zh-hans"):
        assert blocked.status_code == 429 and _("Too many requests") in blocked.content.decode()
    assert client.get(url(response), REMOTE_ADDR="10.9.9.9").status_code == 200
    with time_machine.travel("2026-12-10 10:11 +0800", tick=False):
        assert client.get(url(response)).status_code == 200


def test_reads_and_posts_are_limited_per_client_address(client, survey):
    response, asked = survey
    reads = [client.get(url(response)).status_code for _n in range(31)]
    assert reads[:30] == [200] * 30 and reads[30] == 429
    posts = [client.post(url(response), form_data(asked), REMOTE_ADDR="10.1.1.1").status_code for _n in range(11)]
    assert posts[:10] == [302] * 10 and posts[10] == 429


def test_the_client_behind_the_proxy_is_the_one_limited(client, survey, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    response, _asked = survey
    for _n in range(10):
        client.get(url(secrets.token_urlsafe(32)), HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client.get(url(response), HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert client.get(url(response), HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200


def test_the_page_runs_a_constant_number_of_queries_as_questions_grow(client, survey, django_assert_max_num_queries):
    response, asked = survey
    client.post(url(response), form_data(asked, scale="3", single=str(asked["single"].choices.first().pk)))
    with django_assert_max_num_queries(8):
        assert client.get(url(response)).status_code == 200
    for n in range(15):
        question = QuestionFactory(questionnaire=response.campaign.questionnaire, kind="single", text=f"加题{n}")
        question.choices.create(text="是")
    with django_assert_max_num_queries(8):
        assert client.get(url(response)).status_code == 200


def test_the_form_posts_with_the_csrf_token(survey):
    from django.test import Client

    response, asked = survey
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url(response), form_data(asked, scale="5")).status_code == 403
    page = strict.get(url(response))
    token = page.cookies["csrftoken"].value
    saved = strict.post(url(response), {**form_data(asked, scale="5"), "csrfmiddlewaretoken": token})
    assert saved.status_code == 302

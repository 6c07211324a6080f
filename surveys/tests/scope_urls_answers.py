"""Answer pages for the project-wide scope test (see aftersales/tests/scope_registry).

Each side's customer gets a response in one open campaign, with a dissatisfied answer,
built the first time a pattern asks for it. The customer's public answer page is not
walked: see the exclusion below.
"""

import datetime

from aftersales.tests.factories import UserFactory
from aftersales.tests.scope_registry import EXCLUDED_NAMESPACES, Fill, register

EXCLUDED_NAMESPACES.setdefault(
    "survey_public",
    "the customer's answer page: no login, reached only with the personal link's secret token, and it shows "
    "that token's own customer to whoever holds it, signed in or not; that a token shows only its own "
    "customer is tested in surveys/tests/test_answers_public.py",
)


def answers_response(records):
    """Return (creating once per customer) the response of the side's customer in the scope campaign."""
    from ..models import Answer, Campaign, Question, Questionnaire, Response

    found = Response.objects.filter(customer=records.customer, campaign__name="SCOPE-ANSWERS").first()
    if found is not None:
        return found
    campaign = Campaign.objects.filter(name="SCOPE-ANSWERS").first()
    if campaign is None:
        author = UserFactory(username="scope_answers_author")
        questionnaire = Questionnaire.objects.create(code="SCOPE-ANS", title="范围问卷", created_by=author)
        Question.objects.create(questionnaire=questionnaire, text="范围问题", dimension="timeliness")
        campaign = Campaign.objects.create(
            name="SCOPE-ANSWERS",
            year=2026,
            questionnaire=questionnaire,
            state=Campaign.State.OPEN,
            opens_on=datetime.date(2026, 12, 1),
            closes_on=datetime.date(2099, 12, 31),
            created_by=author,
        )
    response = Response.objects.create(
        campaign=campaign, customer=records.customer, tier="B", token=Response.new_token(), channel="paper"
    )
    Answer.objects.create(response=response, question=campaign.questionnaire.questions.get(), score=1)
    return response


def _response(records) -> dict:
    return {"pk": answers_response(records).pk}


register("surveys:response", Fill(_response))
register("surveys:response_enter", Fill(_response))

"""The raw answers of a campaign as an xlsx sheet: one row per response and question, scoped to the user."""

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.xlsx import Sheet

from .models import Answer, Response

CHUNK = 2000


def _rows(campaign, user):
    responses = Response.objects.visible_to(user).filter(campaign=campaign)
    answers = (
        Answer.objects.filter(response__in=responses.values("pk"))
        .select_related("response__customer", "question__section")
        .prefetch_related("choices")
        .order_by(
            "response__customer__code",
            "response_id",
            "question__section__position",
            "question__position",
            "question_id",
        )
    )
    for answer in answers.iterator(chunk_size=CHUNK):
        response, question = answer.response, answer.question
        yield (
            response.customer.code,
            response.customer.name,
            response.tier,
            response.customer.region,
            response.get_channel_display(),
            response.submitted_at and timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M"),
            question.section.title if question.section else "",
            question.text,
            question.get_kind_display(),
            question.get_dimension_display(),
            answer.score,
            "; ".join(choice.text for choice in answer.choices.all()),
            answer.text,
        )


def answer_sheets(campaign, user) -> list[Sheet]:
    headers = [
        _("Customer code"),
        _("Customer"),
        _("Tier"),
        _("Region"),
        _("Channel"),
        _("Submitted at"),
        _("Section"),
        _("Question"),
        _("Type"),
        _("Dimension"),
        _("Score"),
        _("Choices"),
        _("Comment"),
    ]
    return [Sheet(_("Answers"), headers, _rows(campaign, user), widths=(12, 30, 6, 10, 14, 16, 16, 50))]

"""Reads of the questionnaire pages: the list with its versions and the editor's whole tree."""

from django.db.models import Count, Prefetch

from ..models import Campaign, Choice, Question, Questionnaire, Section


def questionnaire_rows():
    """Return every version, newest first within a code, with its counts and the campaigns using it."""
    return (
        Questionnaire.objects.annotate(question_count=Count("questions", distinct=True))
        .prefetch_related(Prefetch("campaigns", queryset=Campaign.objects.only("pk", "name", "questionnaire_id")))
        .order_by("code", "-version")
    )


def questionnaire_tree(pk: int) -> Questionnaire:
    """Return the questionnaire with sections, questions (with product model) and choices prefetched.

    ``tree.groups`` lists (section or None, [questions]) in the order the customer sees them.
    """
    questions = Question.objects.select_related("product_model").prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("position", "id"))
    )
    questionnaire = (
        Questionnaire.objects.select_related("previous")
        .prefetch_related(
            Prefetch("sections", queryset=Section.objects.order_by("position", "id")),
            Prefetch("questions", queryset=questions.order_by("position", "id")),
            Prefetch("campaigns", queryset=Campaign.objects.only("pk", "name", "questionnaire_id")),
        )
        .get(pk=pk)
    )
    by_section = {}
    for question in questionnaire.questions.all():
        by_section.setdefault(question.section_id, []).append(question)
    groups = [(None, by_section[None])] if None in by_section else []
    groups += [(section, by_section.get(section.pk, [])) for section in questionnaire.sections.all()]
    questionnaire.groups = groups
    questionnaire.newer = Questionnaire.objects.filter(
        code=questionnaire.code, version__gt=questionnaire.version
    ).first()
    return questionnaire

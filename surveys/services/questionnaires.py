"""Questionnaires: versions, sections, questions and choices, edited until a campaign freezes them.

Every edit locks the questionnaire's row, so two people editing at once take turns, and
refuses a frozen version: its answers must keep meaning what was asked. The way forward
from a frozen version is :func:`questionnaire_new_version`.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Choice, Question, Questionnaire, Section

__all__ = [
    "questionnaire_create",
    "questionnaire_update",
    "questionnaire_new_version",
    "questionnaire_freeze",
    "questionnaire_problems",
    "section_add",
    "section_update",
    "section_delete",
    "question_add",
    "question_update",
    "question_delete",
    "choice_add",
    "choice_update",
    "choice_delete",
    "move",
]

CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE)
QUESTION_FIELDS = ("section", "kind", "text", "help_text", "dimension", "required", "industry", "product_model")


def _require(actor, perm: str) -> None:
    if not actor.has_perm(f"surveys.{perm}"):
        raise PermissionDenied(_("You may not edit questionnaires."))


def _editable(actor, questionnaire_id: int) -> Questionnaire:
    """Check the actor's role, lock the questionnaire and refuse it when frozen."""
    _require(actor, "change_questionnaire")
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire_id)
    if questionnaire.is_frozen:
        raise ValidationError(
            _(
                "Version %(version)s of this questionnaire is frozen: a survey campaign uses it. "
                "Make a new version to change it."
            )
            % {"version": questionnaire.version},
            code="frozen",
        )
    return questionnaire


def _required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _next_position(queryset) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def questionnaire_create(
    *, actor, code: str, title: str, introduction: str = "", closing_text: str = ""
) -> Questionnaire:
    """Create version 1 of a new questionnaire."""
    _require(actor, "add_questionnaire")
    errors = {}
    code, title = (code or "").strip(), (title or "").strip()
    if not code:
        errors["code"] = _("Give the questionnaire a code.")
    elif Questionnaire.objects.filter(code=code).exists():
        errors["code"] = _(
            "A questionnaire with the code %(code)s exists already; make a new version of it instead."
        ) % {"code": code}
    if not title:
        errors["title"] = _("Give the questionnaire a title.")
    if errors:
        raise ValidationError(errors)
    return Questionnaire.objects.create(
        code=code, title=title, introduction=introduction, closing_text=closing_text, created_by=actor
    )


@transaction.atomic
def questionnaire_update(
    *, actor, questionnaire, title: str, introduction: str = "", closing_text: str = ""
) -> Questionnaire:
    """Change the title, the introduction and the thank-you text."""
    locked = _editable(actor, questionnaire.pk)
    locked.title = _required_text(title, "title", _("Give the questionnaire a title."))
    locked.introduction, locked.closing_text = introduction, closing_text
    locked.save(update_fields=["title", "introduction", "closing_text", "updated_at"])
    return locked


@transaction.atomic
def questionnaire_new_version(*, actor, questionnaire) -> Questionnaire:
    """Copy the questionnaire with its sections, questions and choices into the next version."""
    _require(actor, "add_questionnaire")
    old = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    newer = Questionnaire.objects.filter(code=old.code, version__gt=old.version).order_by("-version").first()
    if newer is not None:
        raise ValidationError(
            _("Version %(version)s of this questionnaire exists already; change that one or make its new version.")
            % {"version": newer.version},
            code="newer",
        )
    new = Questionnaire.objects.create(
        code=old.code,
        version=old.version + 1,
        title=old.title,
        introduction=old.introduction,
        closing_text=old.closing_text,
        previous=old,
        created_by=actor,
    )
    sections = {}
    for section in old.sections.all():
        sections[section.pk] = Section.objects.create(questionnaire=new, title=section.title, position=section.position)
    for question in old.questions.prefetch_related("choices"):
        copy = Question.objects.create(
            questionnaire=new,
            section=sections.get(question.section_id),
            position=question.position,
            **{name: getattr(question, name) for name in QUESTION_FIELDS if name != "section"},
        )
        Choice.objects.bulk_create(
            Choice(question=copy, text=choice.text, position=choice.position) for choice in question.choices.all()
        )
    return new


@transaction.atomic
def questionnaire_freeze(questionnaire) -> Questionnaire:
    """Freeze the questionnaire (once); the campaign that opens with it calls this."""
    locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if locked.frozen_at is None:
        locked.frozen_at = timezone.now()
        locked.save(update_fields=["frozen_at", "updated_at"])
    questionnaire.frozen_at = locked.frozen_at
    return locked


def questionnaire_problems(questionnaire) -> list[str]:
    """Return what keeps the questionnaire from being used by a campaign (empty when ready)."""
    questions = list(questionnaire.questions.prefetch_related("choices"))
    if not questions:
        return [_("The questionnaire has no questions.")]
    problems = []
    for question in questions:
        if question.kind in CHOICE_KINDS and len(question.choices.all()) < 2:
            problems.append(_("“%(question)s” needs at least two choices.") % {"question": question.text})
        if question.kind == Question.Kind.SCALE and not question.dimension:
            problems.append(_("“%(question)s” needs a dimension.") % {"question": question.text})
    return problems


@transaction.atomic
def section_add(*, actor, questionnaire, title: str) -> Section:
    locked = _editable(actor, questionnaire.pk)
    title = _required_text(title, "title", _("Give the section a title."))
    return Section.objects.create(questionnaire=locked, title=title, position=_next_position(locked.sections))


@transaction.atomic
def section_update(*, actor, section, title: str) -> Section:
    _editable(actor, section.questionnaire_id)
    section.title = _required_text(title, "title", _("Give the section a title."))
    section.save(update_fields=["title"])
    return section


@transaction.atomic
def section_delete(*, actor, section) -> None:
    """Delete an empty section; one holding questions is refused so no question goes by accident."""
    _editable(actor, section.questionnaire_id)
    if section.questions.exists():
        raise ValidationError(
            _("The section “%(section)s” still holds questions; delete or move them first.")
            % {"section": section.title}
        )
    section.delete()


def _clean_question(questionnaire, values: dict) -> dict:
    """Return the question's fields tidied, or raise every problem at once."""
    values = {name: values.get(name) for name in QUESTION_FIELDS if name in values}
    values["text"] = (values.get("text") or "").strip()
    values["help_text"] = (values.get("help_text") or "").strip()
    values["dimension"] = values.get("dimension") or ""
    values["industry"] = values.get("industry") or ""
    errors = {}
    if not values["text"]:
        errors["text"] = _("Write the question.")
    if values.get("kind") == Question.Kind.SCALE and not values["dimension"]:
        errors["dimension"] = _("A satisfaction scale question needs the dimension it measures.")
    if values["industry"] and values.get("product_model"):
        errors["industry"] = _("Ask the question of one business line: an industry or a product model, not both.")
    section = values.get("section")
    if section is not None and section.questionnaire_id != questionnaire.pk:
        errors["section"] = _("Choose a section of this questionnaire.")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def question_add(*, actor, questionnaire, **values) -> Question:
    """Add a question at the end of its section (or of the questions outside sections)."""
    locked = _editable(actor, questionnaire.pk)
    values.setdefault("kind", Question.Kind.SCALE)
    values.setdefault("required", True)
    values = _clean_question(locked, values)
    siblings = locked.questions.filter(section=values.get("section"))
    return Question.objects.create(questionnaire=locked, position=_next_position(siblings), **values)


@transaction.atomic
def question_update(*, actor, question, **values) -> Question:
    """Change a question; a question no longer offering choices loses them."""
    locked = _editable(actor, question.questionnaire_id)
    merged = {name: getattr(question, name) for name in QUESTION_FIELDS} | values
    merged = _clean_question(locked, merged)
    if merged["section"] != question.section:
        merged_siblings = locked.questions.filter(section=merged["section"])
        question.position = _next_position(merged_siblings)
    for name, value in merged.items():
        setattr(question, name, value)
    question.save()
    if question.kind not in CHOICE_KINDS:
        question.choices.all().delete()
    return question


@transaction.atomic
def question_delete(*, actor, question) -> None:
    _editable(actor, question.questionnaire_id)
    question.delete()


@transaction.atomic
def choice_add(*, actor, question, text: str) -> Choice:
    _editable(actor, question.questionnaire_id)
    if question.kind not in CHOICE_KINDS:
        raise ValidationError(_("Only single and multiple choice questions have choices."))
    text = _required_text(text, "text", _("Write the choice."))
    return Choice.objects.create(question=question, text=text, position=_next_position(question.choices))


@transaction.atomic
def choice_update(*, actor, choice, text: str) -> Choice:
    _editable(actor, choice.question.questionnaire_id)
    choice.text = _required_text(text, "text", _("Write the choice."))
    choice.save(update_fields=["text"])
    return choice


@transaction.atomic
def choice_delete(*, actor, choice) -> None:
    _editable(actor, choice.question.questionnaire_id)
    choice.delete()


def _siblings(item):
    if isinstance(item, Section):
        return item.questionnaire_id, Section.objects.filter(questionnaire_id=item.questionnaire_id)
    if isinstance(item, Question):
        return item.questionnaire_id, Question.objects.filter(
            questionnaire_id=item.questionnaire_id, section_id=item.section_id
        )
    return item.question.questionnaire_id, Choice.objects.filter(question_id=item.question_id)


@transaction.atomic
def move(*, actor, item, direction: str) -> None:
    """Move a section, question or choice one place "up" or "down" among its siblings."""
    questionnaire_id, siblings = _siblings(item)
    _editable(actor, questionnaire_id)
    ordered = list(siblings.order_by("position", "id"))
    index = next(i for i, sibling in enumerate(ordered) if sibling.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    # Renumber all siblings: older rows may share a position, which would make a swap a no-op.
    for position, sibling in enumerate(ordered, start=1):
        sibling.position = position
    type(item).objects.bulk_update(ordered, ["position"])

"""Questionnaire pages for the scope test: a questionnaire names no customer, so each side gets one of its own.

Sales may read questionnaires (list, editor read-only, preview) and may change nothing.
"""

import itertools
from types import SimpleNamespace

from aftersales.tests.scope_registry import Fill, register

_serial = itertools.count(1)


def questionnaire_records(records) -> SimpleNamespace:
    """Return (building once per side) a questionnaire with a section, a choice question and a choice."""
    found = getattr(records, "questionnaire_records", None)
    if found is not None:
        return found
    from .factories import ChoiceFactory, QuestionFactory, QuestionnaireFactory, SectionFactory

    questionnaire = QuestionnaireFactory(code=f"SCOPE-WJ-{next(_serial)}")
    section = SectionFactory(questionnaire=questionnaire)
    question = QuestionFactory(questionnaire=questionnaire, section=section, kind="single", dimension="")
    choice = ChoiceFactory(question=question)
    records.questionnaire_records = SimpleNamespace(
        questionnaire=questionnaire, section=section, question=question, choice=choice
    )
    return records.questionnaire_records


def _fill(notes="", **names):
    def build(records):
        found = questionnaire_records(records)
        return {param: getattr(found, record).pk for param, record in names.items()}

    return Fill(build, notes=notes)


def _item(what, record, **extra):
    def build(records):
        found = questionnaire_records(records)
        return {"pk": found.questionnaire.pk, "what": what, "item_pk": getattr(found, record).pk, **extra}

    return Fill(build, notes="POST only")


register("surveys:questionnaire_list")
register("surveys:questionnaire_create", Fill(notes="sales may not create: refused"))
register("surveys:questionnaire", _fill(pk="questionnaire"))
register("surveys:questionnaire_preview", _fill(pk="questionnaire"))
register("surveys:questionnaire_new_version", _fill("POST only", pk="questionnaire"))
register("surveys:questionnaire_section_add", _fill("POST only", pk="questionnaire"))
register("surveys:questionnaire_section", _fill("POST only", pk="questionnaire", item_pk="section"))
register("surveys:questionnaire_question_add", _fill("POST only", pk="questionnaire"))
register("surveys:questionnaire_question", _fill("sales may not edit: refused", pk="questionnaire", item_pk="question"))
register("surveys:questionnaire_choice_add", _fill("POST only", pk="questionnaire", item_pk="question"))
register("surveys:questionnaire_choice", _fill("POST only", pk="questionnaire", item_pk="choice"))
register("surveys:questionnaire_item_move", _item("question", "question", direction="up"))
register("surveys:questionnaire_item_delete", _item("choice", "choice"))

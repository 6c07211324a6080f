"""Questionnaire pages: the list, a new questionnaire, the editor with its htmx fragments, the preview.

Each small edit on the editor posts to its own URL; an htmx request gets the editor's
body back (swapped in place), a plain one is redirected to the editor, so the page works
without JavaScript too.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms.answers import AnswerForm
from ..forms.questionnaires import (
    ChoiceForm,
    QuestionForm,
    QuestionnaireCreateForm,
    QuestionnaireTextForm,
    SectionForm,
)
from ..models import Choice, Question, Questionnaire, Section
from ..selectors.questionnaires import questionnaire_rows, questionnaire_tree
from ..services import questionnaires as services

view_required = permission_required("surveys.view_questionnaire", raise_exception=True)
edit_required = permission_required("surveys.change_questionnaire", raise_exception=True)
add_required = permission_required("surveys.add_questionnaire", raise_exception=True)
ITEMS = {"section": Section, "question": Question, "choice": Choice}


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _editor_context(request, pk, **extra) -> dict:
    questionnaire = questionnaire_tree(pk)
    editable = not questionnaire.is_frozen and request.user.has_perm("surveys.change_questionnaire")
    context = {
        "questionnaire": questionnaire,
        "editable": editable,
        "problems": services.questionnaire_problems(questionnaire),
        "section_form": SectionForm(prefix="section"),
        "question_form": QuestionForm(questionnaire=questionnaire, prefix="question"),
        "editing": None,
        "edit_form": None,
        "choice_error": None,
        "text_form": QuestionnaireTextForm(instance=questionnaire, prefix="text"),
    }
    context.update(extra)
    return context


def _answer(request, pk, error=None, **extra):
    """Answer an edit: the editor body for htmx, otherwise the editor page (redirected when all went well)."""
    if error is not None:
        messages.error(request, " ".join(error.messages))
    if _is_htmx(request):
        return render(request, "surveys/_questionnaires_editor.html", _editor_context(request, pk, **extra))
    if error is not None or extra:
        return render(request, "surveys/questionnaires_detail.html", _editor_context(request, pk, **extra))
    return redirect("surveys:questionnaire", pk)


@view_required
def questionnaire_list(request):
    return render(request, "surveys/questionnaires_list.html", {"rows": questionnaire_rows()})


@add_required
def questionnaire_create(request):
    form = QuestionnaireCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire = services.questionnaire_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The questionnaire was created; add its sections and questions."))
            return redirect(questionnaire)
    return render(request, "surveys/questionnaires_create.html", {"form": form})


@view_required
def questionnaire(request, pk):
    get_object_or_404(Questionnaire, pk=pk)
    text_form = None
    if request.method == "POST":
        if not request.user.has_perm("surveys.change_questionnaire"):
            raise PermissionDenied
        text_form = QuestionnaireTextForm(request.POST, prefix="text")
        if text_form.is_valid():
            try:
                services.questionnaire_update(
                    actor=request.user, questionnaire=Questionnaire(pk=pk), **text_form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(text_form, error)
            else:
                messages.success(request, _("The texts were saved."))
                return redirect("surveys:questionnaire", pk)
    context = _editor_context(request, pk)
    if text_form is not None:
        context["text_form"] = text_form
    context["editing"] = _int(request.GET.get("edit"))
    if context["editing"]:
        question = get_object_or_404(Question, pk=context["editing"], questionnaire_id=pk)
        context["edit_form"] = QuestionForm(instance=question, questionnaire=context["questionnaire"], prefix="edit")
    return render(request, "surveys/questionnaires_detail.html", context)


def _int(value):
    return int(value) if value and value.isdigit() else None


@view_required
def questionnaire_preview(request, pk):
    questionnaire = questionnaire_tree(pk)
    questions = []
    for section, group in questionnaire.groups:
        for question in group:
            question.section = section  # known already: no query per question
            questions.append(question)
    # The customer's own form and template (surveys.forms.answers, _answer_fields.html).
    form = AnswerForm(questions=questions)
    return render(request, "surveys/questionnaires_preview.html", {"questionnaire": questionnaire, "form": form})


@add_required
@require_POST
def questionnaire_new_version(request, pk):
    old = get_object_or_404(Questionnaire, pk=pk)
    try:
        new = services.questionnaire_new_version(actor=request.user, questionnaire=old)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(old)
    messages.success(request, _("Version %(version)s was made; change it here.") % {"version": new.version})
    return redirect(new)


@edit_required
@require_POST
def section_add(request, pk):
    form = SectionForm(request.POST, prefix="section")
    if not form.is_valid():
        return _answer(request, pk, section_form=form)
    try:
        services.section_add(actor=request.user, questionnaire=Questionnaire(pk=pk), **form.cleaned_data)
    except ValidationError as error:
        return _answer(request, pk, error=error, section_form=form)
    return _answer(request, pk)


@edit_required
@require_POST
def section_edit(request, pk, item_pk):
    section = get_object_or_404(Section, pk=item_pk, questionnaire_id=pk)
    form = SectionForm(request.POST, prefix=f"s{item_pk}")
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the section a title."))
        services.section_update(actor=request.user, section=section, **form.cleaned_data)
    except ValidationError as error:
        return _answer(request, pk, error=error)
    return _answer(request, pk)


@edit_required
@require_POST
def question_add(request, pk):
    form = QuestionForm(request.POST, questionnaire=Questionnaire(pk=pk), prefix="question")
    if form.is_valid():
        try:
            services.question_add(actor=request.user, questionnaire=Questionnaire(pk=pk), **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _answer(request, pk)
    return _answer(request, pk, question_form=form)


@edit_required
def question_edit(request, pk, item_pk):
    """GET: the question's edit form in place of the question; POST: save it."""
    question = get_object_or_404(Question, pk=item_pk, questionnaire_id=pk)
    if request.method != "POST":
        if not _is_htmx(request):
            return redirect(f"{question.questionnaire.get_absolute_url()}?edit={item_pk}#q{item_pk}")
        return _answer(request, pk, editing=item_pk, edit_form=_edit_form(question))
    form = _edit_form(question, request.POST)
    if form.is_valid():
        try:
            services.question_update(actor=request.user, question=question, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _answer(request, pk)
    return _answer(request, pk, editing=item_pk, edit_form=form)


def _edit_form(question, data=None):
    # A fresh instance: a failed save must not change the question the editor draws.
    original = Question.objects.get(pk=question.pk)
    return QuestionForm(data, instance=original, questionnaire=question.questionnaire, prefix="edit")


@edit_required
@require_POST
def choice_add(request, pk, item_pk):
    question = get_object_or_404(Question, pk=item_pk, questionnaire_id=pk)
    form = ChoiceForm(request.POST, prefix=f"c{item_pk}")
    try:
        if not form.is_valid():
            raise ValidationError(_("Write the choice."))
        services.choice_add(actor=request.user, question=question, **form.cleaned_data)
    except ValidationError as error:
        return _answer(
            request, pk, error=error, choice_error={"question": item_pk, "text": form.data.get(f"c{item_pk}-text", "")}
        )
    return _answer(request, pk)


@edit_required
@require_POST
def choice_edit(request, pk, item_pk):
    choice = get_object_or_404(Choice, pk=item_pk, question__questionnaire_id=pk)
    form = ChoiceForm(request.POST, prefix=f"ch{item_pk}")
    try:
        if not form.is_valid():
            raise ValidationError(_("Write the choice."))
        services.choice_update(actor=request.user, choice=choice, **form.cleaned_data)
    except ValidationError as error:
        return _answer(request, pk, error=error)
    return _answer(request, pk)


def _item(pk, what, item_pk):
    model = ITEMS.get(what)
    if model is None:
        from django.http import Http404

        raise Http404
    scope = {"question__questionnaire_id": pk} if model is Choice else {"questionnaire_id": pk}
    return get_object_or_404(model, pk=item_pk, **scope)


@edit_required
@require_POST
def item_move(request, pk, what, item_pk, direction):
    item = _item(pk, what, item_pk)
    try:
        services.move(actor=request.user, item=item, direction=direction)
    except ValidationError as error:
        return _answer(request, pk, error=error)
    return _answer(request, pk)


@edit_required
@require_POST
def item_delete(request, pk, what, item_pk):
    item = _item(pk, what, item_pk)
    delete = {
        "section": services.section_delete,
        "question": services.question_delete,
        "choice": services.choice_delete,
    }
    try:
        delete[what](actor=request.user, **{what: item})
    except ValidationError as error:
        return _answer(request, pk, error=error)
    return _answer(request, pk)

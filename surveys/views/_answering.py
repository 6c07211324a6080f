"""What the customer's page and the staff entry page share: loading the form and saving it."""

from django.core.exceptions import ValidationError

from ..forms.answers import initial_from
from ..models import Answer
from ..selectors.questions import questions_for
from ..services.answers import response_save, response_submit


def build_form(form_class, request, response, **initial):
    """Return the form of ``response``: bound to the POST, or filled with the answers saved so far."""
    questions = questions_for(response.campaign.questionnaire_id, response.customer)
    if request.method == "POST":
        submitting = request.POST.get("action") == "submit"
        return form_class(request.POST, questions=questions, submitting=submitting)
    saved = Answer.objects.filter(response=response).select_related("question").prefetch_related("choices")
    return form_class(questions=questions, initial={**initial, **initial_from(saved)})


def save_form(form, response, **extra) -> bool:
    """Save or submit a valid form through the services; put what they refuse on the form."""
    service = response_submit if form.submitting else response_save
    try:
        service(response=response, data=form.answers(), **extra)
    except ValidationError as error:
        add_errors(form, error)
        return False
    return True


def add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)

"""Dissatisfied survey answers waiting for a call back, for "my work".

Sales are the one channel to customers (DOMAIN.md), so the customer's salesperson owns the
call; a customer with no salesperson falls to those who see every customer and may record
follow-ups (the quality group and the after-sales manager).
"""

from django.db.models import Exists, OuterRef

from ..models import DISSATISFIED_AT, Answer, Campaign, Question, Response

SHOWN = 20


def waiting_follow_ups(user):
    """Return the submitted, not yet followed-up responses with a low scale answer that ``user`` owns."""
    low = Answer.objects.filter(response=OuterRef("pk"), question__kind=Question.Kind.SCALE, score__lte=DISSATISFIED_AT)
    owned = Response.objects.visible_to(user).submitted().filter(followed_up_at__isnull=True)
    if user.has_perm("customers.view_all_customers"):
        owned = owned.filter(customer__salesperson__isnull=True)
    else:
        owned = owned.filter(customer__salesperson=user)
    return (
        owned.filter(Exists(low))
        .exclude(campaign__state=Campaign.State.DRAFT)
        .select_related("customer", "campaign")
        .order_by("-submitted_at", "-pk")
    )


def work_context(request):
    """Return the first responses to call back and how many there are, or None when there are none."""
    user = request.user
    if not user.is_authenticated or not user.has_perm("surveys.change_response"):
        return None
    rows = list(waiting_follow_ups(user)[: SHOWN + 1])
    if not rows:
        return None
    return {"responses": rows[:SHOWN], "more": len(rows) > SHOWN}

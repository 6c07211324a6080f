"""What customer care registers at start-up: the daily listing task and "Greetings due" on my work."""

from .models import Greeting

SHOWN = 10


def work_context(request):
    """Return the user's first greetings due and how many there are, or None when there are none."""
    user = request.user
    # Greetings are due to a customer's salesperson; those who see every customer (managers,
    # the quality group) read their team's on the greetings page instead of on "my work".
    if not user.is_authenticated or not user.has_perm("staff.view_greeting"):
        return None
    if user.has_perm("customers.view_all_customers"):
        return None
    due = Greeting.objects.filter(salesperson=user, outcome=Greeting.Outcome.DUE)
    greetings = list(due.select_related("contact__customer", "festival").order_by("occasion_date", "pk")[:SHOWN])
    if not greetings:
        return None
    count = len(greetings) if len(greetings) < SHOWN else due.count()
    return {"greetings": greetings, "count": count}


def register() -> None:
    from complaints.work import register_work_section

    register_work_section("staff/care_work.html", work_context, order=85, permission="staff.change_greeting")

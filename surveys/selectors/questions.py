"""The questions a questionnaire asks of one customer: the common ones plus their business line's."""

from django.db.models import F, Q

from customers.models import Delivery

from ..models import Question


def questions_for(questionnaire, customer):
    """Return the questions of ``questionnaire`` asked of ``customer``, in the order the customer reads them.

    A question limited to an industry is asked of customers in that industry; one limited to
    a product model, of customers with a delivery of it. Two queries: the questions (with
    their section) and their choices.
    """
    asked = Q(industry="", product_model__isnull=True)
    if customer.industry:
        # An empty industry must not match the product-model questions' empty industry.
        asked |= Q(industry=customer.industry)
    asked |= Q(product_model__in=Delivery.objects.filter(customer=customer).values("product_model"))
    return (
        Question.objects.filter(questionnaire=questionnaire)
        .filter(asked)
        .select_related("section")
        .prefetch_related("choices")
        .order_by(F("section__position").asc(nulls_first=True), "section_id", "position", "id")
    )

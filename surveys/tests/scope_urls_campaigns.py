"""Campaign pages for the project-wide scope test (see aftersales/tests/scope_registry).

Campaigns belong to no salesperson: each side gets one campaign that sampled every customer
there is (both salespeople's), so the responses list and the figures must filter by content.
"""

from aftersales.tests.scope_registry import Fill, register


def campaign(records):
    """Return (building once per side) an open campaign with a response for every customer."""
    found = getattr(records, "survey_campaign", None)
    if found is not None:
        return found
    from customers.models import Customer

    from ..models import Campaign, Response
    from .factories_campaigns import CampaignFactory

    found = CampaignFactory(state=Campaign.State.OPEN)
    Response.objects.bulk_create(
        Response(campaign=found, customer=customer, tier=customer.tier_id, token=Response.new_token())
        for customer in Customer.objects.order_by("code")
    )
    records.survey_campaign = found
    return found


def _pk(records) -> dict:
    return {"pk": campaign(records).pk}


register("surveys:campaign_list")
register("surveys:campaign_create")
register("surveys:campaign", Fill(_pk))
register("surveys:campaign_edit", Fill(_pk))
register("surveys:campaign_responses", Fill(_pk))
register("surveys:campaign_action", Fill(lambda r: {**_pk(r), "action": "sample"}, notes="POST only"))

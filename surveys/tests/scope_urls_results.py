"""Results pages for the scope test: each side gets a closed campaign answered by its own customer.

The campaign itself belongs to no salesperson; its figures, dissatisfied list, report and
exports are computed over the responses the user may see, so sales never read the other
side's customer there.
"""

from aftersales.tests.scope_registry import Fill, register


def survey_records(records):
    """Return (building once per side) a closed campaign answered, dissatisfied, by the side's customer."""
    found = getattr(records, "survey_results", None)
    if found is not None:
        return found
    from . import factories_results as f

    campaign = f.campaign(name=f"范围调查-{records.customer.pk}", target=1)
    f.response(campaign, customer=records.customer, tier=records.customer.tier_id, scores=(1, 2), comment="回访太慢")
    records.survey_results = campaign
    return campaign


def _campaign(records):
    return {"pk": survey_records(records).pk}


def _response(records):
    return {"pk": survey_records(records).responses.get().pk}


for name in (
    "campaign_results",
    "campaign_conclude",
    "campaign_report",
    "campaign_report_xlsx",
    "finding_create",
    "campaign_export_answers",
    "campaign_export_analysis",
):
    register(f"surveys:{name}", Fill(_campaign, htmx=name == "campaign_results"))
register("surveys:response_follow_up", Fill(_response, notes="POST only: a GET is refused"))
register("surveys:customer_tab", Fill(lambda r: {"pk": r.customer.pk}, htmx=True))

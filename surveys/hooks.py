"""What the survey adds to lower apps' pages and to the outbox, registered at start-up."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales import outbox


def _capa_finding(request, action):
    """Return the finding an action came from, with a link to its campaign's results, or False."""
    from .models import Finding

    if action.source != "survey":
        return False
    finding = Finding.objects.select_related("campaign", "question").filter(capa=action).first()
    if finding is None:
        return False
    url = ""
    if request.user.has_perm("surveys.view_campaign"):
        url = reverse("surveys:campaign_results", args=[finding.campaign_id])
    return {"finding": finding, "url": url}


def register() -> None:
    from customers.tabs import Tab, register_tab
    from quality.panels import register_capa_panel

    from . import emails

    outbox.register("surveys", emails.deliver)
    register_capa_panel("surveys/results_capa_source.html", _capa_finding)
    register_tab(Tab("surveys", _("Satisfaction surveys"), "surveys:customer_tab", "surveys.view_response", 70))
    register_campaigns()


def register_campaigns() -> None:
    """Register "my work" (campaigns for the quality group, answers to call back) and the start-page card."""
    from aftersales.home import register_home_card
    from complaints.work import register_work_section

    from .views import follow_up_work
    from .views.campaign_work import home_card, work_context

    register_work_section("surveys/campaigns_work.html", work_context, order=80, permission="surveys.change_campaign")
    register_work_section(
        "surveys/follow_up_work.html", follow_up_work.work_context, order=81, permission="surveys.change_response"
    )
    register_home_card("surveys/campaigns_home.html", home_card, order=60)

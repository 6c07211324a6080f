"""The management-review workbook of a campaign and the analysis workbook (same sheets)."""

import io

from django.utils.translation import gettext as _

from aftersales.xlsx import Sheet, write_workbook

from .models import Finding, Level


def _level_headers():
    return [str(level.label) for level in Level]


def _levels(row):
    return [row["levels"].get(str(level.value), 0) for level in Level]


def analysis_sheets(campaign, figures: dict, *, provisional: bool = False, findings=None) -> list[Sheet]:
    """Return the sheets of the report: summary, questions, dimensions, tiers, findings, year on year."""
    previous = figures.get("previous") or {}
    summary = [
        (_("Campaign"), campaign.name),
        (_("Year"), campaign.year),
        (_("Status"), _("Provisional (not concluded)") if provisional else _("Concluded")),
        (_("Answer target"), figures["target"]),
        (_("Customers sampled"), figures["sampled"]),
        (_("Answers submitted"), figures["answered"]),
        (_("Response rate (%)"), figures["rate"]),
        (_("Customer satisfaction index (CSI)"), figures["csi"]),
        (_("CSI formula"), csi_formula()),
        (_("Net promoter score (NPS)"), figures["nps"]),
        (_("Reason for concluding below the target"), campaign.shortfall_reason),
        (_("Summary for the management review"), campaign.summary),
    ]
    summary += [(str(level.label), figures["levels"].get(str(level.value), 0)) for level in Level]
    questions = [
        (
            q["section"],
            q["text"],
            q["dimension_label"],
            q["count"],
            q["mean"],
            q.get("nps"),
            *([q["levels"].get(str(level.value), 0) for level in Level] if "levels" in q else [None] * 5),
        )
        for q in figures["questions"]
    ]
    dimensions = [(d["label"], d["count"], d["mean"], d["satisfaction"]) for d in figures["dimensions"]]
    tiers = [
        (t["tier"], t["name"], t["weight"], t["sampled"], t["answered"], t["rate"], t["satisfaction"], *_levels(t))
        for t in figures["tiers"]
    ]
    if findings is None:
        findings = Finding.objects.filter(campaign=campaign).select_related("question", "capa", "capa__owner")
    finding_rows = [
        (
            f.capa.number,
            f.question.text if f.question else "",
            f.get_dimension_display(),
            f.capa.get_kind_display(),
            f.capa.problem,
            f.capa.planned_action,
            str(f.capa.owner),
            f.capa.department,
            f.capa.due_date.isoformat(),
            f.capa.get_state_display(),
        )
        for f in findings
    ]
    yoy = _year_on_year(figures, previous)
    return [
        Sheet(_("Summary"), [_("Figure"), _("Figure value")], summary, widths=(36, 60), freeze=None),
        Sheet(
            _("Questions"),
            [_("Section"), _("Question"), _("Dimension"), _("Answers"), _("Mean"), "NPS", *_level_headers()],
            questions,
            widths=(18, 50, 14),
        ),
        Sheet(_("Dimensions"), [_("Dimension"), _("Scale answers"), _("Mean"), _("Satisfaction (0–100)")], dimensions),
        Sheet(
            _("Tiers"),
            [
                _("Tier"),
                _("Name"),
                _("Weight"),
                _("Sampled"),
                _("Answered"),
                _("Response rate (%)"),
                _("Satisfaction (0–100)"),
                *_level_headers(),
            ],
            tiers,
        ),
        Sheet(
            _("Findings"),
            [
                _("Action"),
                _("Question"),
                _("Dimension"),
                _("Type"),
                _("Problem"),
                _("Planned action"),
                _("Owner"),
                _("Department"),
                _("Due date"),
                _("State"),
            ],
            finding_rows,
            widths=(14, 40, 12, 10, 40, 40),
        ),
        Sheet(_("Year on year"), [_("Figure"), _("This year"), _("Previous year")], yoy, widths=(36, 14, 14)),
    ]


def _year_on_year(figures, previous):
    rows = [
        (_("Campaign"), figures["campaign"]["name"], previous.get("name", "")),
        (_("Customer satisfaction index (CSI)"), figures["csi"], previous.get("csi")),
        (_("Response rate (%)"), figures["rate"], previous.get("rate")),
        (_("Answers submitted"), figures["answered"], previous.get("answered")),
        (_("Net promoter score (NPS)"), figures["nps"], previous.get("nps")),
    ]
    before = previous.get("dimensions", {})
    rows += [(d["label"], d["mean"], before.get(d["dimension"])) for d in figures["dimensions"]]
    return rows


def csi_formula() -> str:
    return _(
        "Each submitted response's satisfaction s = mean of its scale answers mapped to 0–100 as "
        "(score − 1) / 4 × 100; CSI = Σ(wᵢ·sᵢ) / Σwᵢ, wᵢ the survey weight of the response's customer tier."
    )


def workbook_bytes(campaign, figures, *, provisional=False) -> bytes:
    output = io.BytesIO()
    write_workbook(output, analysis_sheets(campaign, figures, provisional=provisional))
    return output.getvalue()

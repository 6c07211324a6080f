"""The figures of a campaign: response rates, scores, the satisfaction index, year on year.

Every figure is aggregated in SQL with a fixed number of queries, whatever the number of
answers. With a ``user`` the responses are those the user may see, so a salesperson's
page is computed over their own customers only; without one (on conclusion) over all.
"""

from django.db import connection
from django.db.models import Avg, Count, Exists, F, FloatField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast

from customers.models import CustomerTier

from ..models import DISSATISFIED_AT, Answer, Campaign, Choice, Dimension, Level, Question, Response

LEVELS = [level.value for level in Level]  # 5 … 1
# A response's satisfaction (0–100) falls in the level its mean scale score rounds to.
LEVEL_FLOORS = {5: 87.5, 4: 62.5, 3: 37.5, 2: 12.5, 1: None}


def _r(value, digits=2):
    return None if value is None else round(float(value), digits)


def _pct(part, whole):
    return _r(100 * part / whole, 1) if whole else None


def scoped_responses(campaign, user=None):
    """Return the campaign's responses the user may see (all of them without a user)."""
    responses = Response.objects.filter(campaign=campaign)
    return responses.visible_to(user) if user is not None else responses


def with_satisfaction(responses):
    """Annotate each response with ``sat``: the mean of its scale answers mapped to 0–100."""
    mean = (
        Answer.objects.filter(response=OuterRef("pk"), question__kind=Question.Kind.SCALE, score__isnull=False)
        .values("response")
        .annotate(m=Avg(Cast("score", FloatField())))
        .values("m")
    )
    return responses.annotate(sat=(Subquery(mean, output_field=FloatField()) - 1.0) * 25.0)


def _level_counts():
    counts, upper = {}, None
    for level, floor in LEVEL_FLOORS.items():
        cond = Q(sat__isnull=False)
        if floor is not None:
            cond &= Q(sat__gte=floor)
        if upper is not None:
            cond &= Q(sat__lt=upper)
        counts[f"l{level}"] = Count("pk", filter=cond)
        upper = floor
    return counts


def _group_rows(rows, key, label=None):
    out = []
    for row in rows:
        n = row["n"]
        out.append(
            {
                "key": row[key] or "",
                "label": (label(row) if label else row[key]) or "",
                "answered": n,
                "satisfaction": _r(row["sum_sat"] / n, 1) if n and row["sum_sat"] is not None else None,
                "levels": {str(level): row.get(f"l{level}", 0) for level in LEVELS},
            }
        )
    return out


def _by_product_line(submitted):
    """Group the submitted responses by the product models their customers have deliveries of."""
    inner, params = submitted.values("pk", "customer_id", "sat").query.sql_with_params()
    sql = f"""
        SELECT pm.code, pm.name, COUNT(*) AS n, SUM(s.sat) AS sum_sat
        FROM ({inner}) s
        JOIN (SELECT DISTINCT customer_id, product_model_id FROM customers_delivery) d ON d.customer_id = s.customer_id
        JOIN customers_productmodel pm ON pm.id = d.product_model_id
        WHERE s.sat IS NOT NULL
        GROUP BY pm.code, pm.name ORDER BY pm.code
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [dict(zip(("code", "name", "n", "sum_sat"), r, strict=True)) for r in cursor.fetchall()]
    return _group_rows(rows, "code", lambda r: f"{r['code']} {r['name']}")


def _tiers(campaign, responses, submitted, weights):
    names = dict(CustomerTier.objects.values_list("code", "name"))
    sampled = {
        r["tier"]: r
        for r in responses.values("tier").annotate(
            sampled=Count("pk"), answered=Count("pk", filter=Q(submitted_at__isnull=False))
        )
    }
    sat = {
        r["tier"]: r
        for r in submitted.values("tier").annotate(
            n=Count("pk", filter=Q(sat__isnull=False)), sum_sat=Sum("sat"), **_level_counts()
        )
    }
    tiers = []
    for code in sorted(set(sampled) | set(sat)):
        row, srow = sampled.get(code, {}), sat.get(code, {"n": 0, "sum_sat": None})
        n = srow["n"]
        tiers.append(
            {
                "tier": code,
                "name": names.get(code, code),
                "weight": weights.get(code, 1.0),
                "sampled": row.get("sampled", 0),
                "answered": row.get("answered", 0),
                "rate": _pct(row.get("answered", 0), row.get("sampled", 0)),
                "scored": n,
                "sum_satisfaction": _r(srow["sum_sat"], 4),
                "satisfaction": _r(srow["sum_sat"] / n, 1) if n and srow["sum_sat"] is not None else None,
                "levels": {str(level): srow.get(f"l{level}", 0) for level in LEVELS},
            }
        )
    return tiers


def csi_of(tiers) -> float | None:
    """Return CSI = Σ(wᵢ·sᵢ)/Σwᵢ over the scored responses, wᵢ the weight of the response's tier."""
    weighted = sum(t["weight"] * (t["sum_satisfaction"] or 0) for t in tiers)
    weights = sum(t["weight"] * t["scored"] for t in tiers)
    return _r(weighted / weights, 1) if weights else None


def _questions(campaign, submitted):
    questions = list(
        Question.objects.filter(questionnaire_id=campaign.questionnaire_id)
        .select_related("section")
        .order_by(F("section__position").asc(nulls_first=True), "section_id", "position", "id")
    )
    levels = {f"s{k}": Count("pk", filter=Q(score=k)) for k in range(0, 11)}
    stats = {
        r["question_id"]: r
        for r in Answer.objects.filter(response__in=submitted.values("pk"), score__isnull=False)
        .values("question_id")
        .annotate(n=Count("pk"), mean=Avg(Cast("score", FloatField())), **levels)
    }
    # Respondents per question (one Answer row each), so a multiple-choice question counts
    # customers, not ticks, and a free-text one its comments.
    answered = dict(
        Answer.objects.filter(response__in=submitted.values("pk"))
        .filter(Q(score__isnull=False) | ~Q(text="") | Q(choices__isnull=False))
        .values("question_id")
        .annotate(n=Count("pk", distinct=True))
        .values_list("question_id", "n")
    )
    choices = {}
    for c in (
        Choice.objects.filter(question__questionnaire_id=campaign.questionnaire_id)
        .annotate(n=Count("answers", filter=Q(answers__response__in=submitted.values("pk"))))
        .order_by("question_id", "position", "id")
    ):
        choices.setdefault(c.question_id, []).append({"choice": c.text, "count": c.n})
    comments = {}
    for qid, text in (
        Answer.objects.filter(response__in=submitted.values("pk"))
        .exclude(text="")
        .order_by("question_id", "pk")
        .values_list("question_id", "text")
    ):
        comments.setdefault(qid, []).append(text)
    return [
        _question_row(q, stats.get(q.pk), choices.get(q.pk, []), comments.get(q.pk, []), answered.get(q.pk, 0))
        for q in questions
    ]


def _question_row(q, stat, choices, comments, respondents):
    row = {
        "id": q.pk,
        "text": q.text,
        "kind": q.kind,
        "section": q.section.title if q.section else "",
        "dimension": q.dimension,
        "dimension_label": str(Dimension(q.dimension).label) if q.dimension else "",
        "count": 0,
        "mean": None,
    }
    n = stat["n"] if stat else 0
    if q.kind == Question.Kind.SCALE:
        row.update(count=n, mean=_r(stat["mean"]) if n else None)
        row["levels"] = {str(k): stat[f"s{k}"] if stat else 0 for k in LEVELS}
    elif q.kind == Question.Kind.NPS:
        promoters = sum(stat[f"s{k}"] for k in (9, 10)) if stat else 0
        detractors = sum(stat[f"s{k}"] for k in range(0, 7)) if stat else 0
        row.update(count=n, mean=_r(stat["mean"]) if n else None)
        row["nps"] = _r(100 * (promoters - detractors) / n, 1) if n else None
        row["scores"] = {str(k): stat[f"s{k}"] if stat else 0 for k in range(0, 11)}
    else:
        row["choices"] = choices
        row["count"] = respondents
    row["comments"] = comments
    return row


def _dimensions(submitted):
    rows = (
        Answer.objects.filter(
            response__in=submitted.values("pk"), question__kind=Question.Kind.SCALE, score__isnull=False
        )
        .values("question__dimension")
        .annotate(n=Count("pk"), mean=Avg(Cast("score", FloatField())))
        .order_by("question__dimension")
    )
    by_code = {r["question__dimension"]: r for r in rows}
    return [
        {
            "dimension": code,
            "label": str(label),
            "count": by_code[code]["n"],
            "mean": _r(by_code[code]["mean"]),
            "satisfaction": _r((by_code[code]["mean"] - 1) * 25, 1),
        }
        for code, label in Dimension.choices
        if code in by_code
    ]


def _weights(campaign):
    """Return the tier weights: those frozen with the campaign's figures, else today's."""
    if campaign.results and campaign.results.get("weights"):
        return campaign.results["weights"]
    return {code: float(w) for code, w in CustomerTier.objects.values_list("code", "survey_weight")}


def campaign_results(campaign, *, user=None, with_previous=True) -> dict:
    """Return the campaign's figures as a JSON-serialisable dict (see the module docstring)."""
    responses = scoped_responses(campaign, user)
    submitted = with_satisfaction(responses.submitted())
    weights = _weights(campaign)
    tiers = _tiers(campaign, responses, submitted, weights)
    sampled = sum(t["sampled"] for t in tiers)
    answered = sum(t["answered"] for t in tiers)
    questions = _questions(campaign, submitted)
    regions = (
        submitted.values("customer__region")
        .annotate(n=Count("pk", filter=Q(sat__isnull=False)), sum_sat=Sum("sat"), **_level_counts())
        .order_by("customer__region")
    )
    nps = [q for q in questions if q["kind"] == Question.Kind.NPS and q["count"]]
    result = {
        "campaign": {"id": campaign.pk, "name": campaign.name, "year": campaign.year},
        "target": campaign.target_answers,
        "sampled": sampled,
        "answered": answered,
        "rate": _pct(answered, sampled),
        "weights": weights,
        "csi": csi_of(tiers),
        "levels": {str(level): sum(t["levels"][str(level)] for t in tiers) for level in LEVELS},
        "nps": nps[0]["nps"] if nps else None,
        "tiers": tiers,
        "questions": questions,
        "dimensions": _dimensions(submitted),
        "regions": _group_rows(regions, "customer__region"),
        "product_lines": _by_product_line(submitted),
    }
    result["previous"] = _previous(campaign, user) if with_previous else None
    _add_level_lists(result)
    return result


def _add_level_lists(result) -> None:
    """Give every ``levels`` dict a ``counts`` list, 5 to 1: PostgreSQL's jsonb reorders the dict's keys."""
    rows = [result, *result["tiers"], *result["regions"], *result["product_lines"], *result["questions"]]
    for row in rows:
        if "levels" in row:
            row["counts"] = [row["levels"][str(level)] for level in LEVELS]


def _previous(campaign, user):
    """Return the headline figures of the previous year's concluded campaign, or None."""
    previous = (
        Campaign.objects.filter(year=campaign.year - 1, state=Campaign.State.CONCLUDED)
        .order_by("-concluded_at", "-pk")
        .first()
    )
    if previous is None:
        return None
    if previous.results and (user is None or user.has_perm("customers.view_all_customers")):
        figures = previous.results
    else:
        figures = campaign_results(previous, user=user, with_previous=False)
    return {
        "name": previous.name,
        "year": previous.year,
        "csi": figures.get("csi"),
        "rate": figures.get("rate"),
        "answered": figures.get("answered"),
        "nps": figures.get("nps"),
        "dimensions": {d["dimension"]: d["mean"] for d in figures.get("dimensions", [])},
        "tiers": {t["tier"]: t["satisfaction"] for t in figures.get("tiers", [])},
    }


def results_for_page(campaign, user) -> tuple[dict, bool]:
    """Return (figures, frozen): the frozen figures for those who see every customer, else live and scoped."""
    if campaign.results and user.has_perm("customers.view_all_customers"):
        return campaign.results, True
    return campaign_results(campaign, user=user), False


def dissatisfied(campaign, user):
    """Return the submitted responses the user may see with a scale answer at or below the dissatisfied level."""
    low = Answer.objects.filter(response=OuterRef("pk"), question__kind=Question.Kind.SCALE, score__lte=DISSATISFIED_AT)
    return (
        scoped_responses(campaign, user)
        .submitted()
        .filter(Exists(low))
        .annotate(
            low_count=Count(
                "answers", filter=Q(answers__question__kind=Question.Kind.SCALE, answers__score__lte=DISSATISFIED_AT)
            )
        )
        .select_related("customer", "contact")
        .order_by("customer__code", "pk")
    )


def customer_responses(customer, user):
    """Return the customer's responses the user may see, newest campaign first, with their satisfaction."""
    return (
        with_satisfaction(Response.objects.visible_to(user).filter(customer=customer))
        .select_related("campaign")
        .order_by("-campaign__year", "-campaign_id")
    )

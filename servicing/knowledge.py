"""Suggest knowledge-base cases (CaseSummary) similar to a complaint under analysis."""

import re

from django.db.models import Q

from complaints.models import Complaint

from .models import CaseSummary
from .selectors import cases_visible_to

#: How many recent candidates are scored in Python; the SQL filter keeps the read bounded.
CANDIDATES = 200

# Chinese text has no spaces between words: a run of Han characters is cut into
# overlapping pairs (bigrams), the usual cheap stand-in for word segmentation.
_TOKEN = re.compile(r"[\u3400-\u9fff]+|[a-z0-9]+")


def terms(text: str) -> set[str]:
    """Return the comparable terms of ``text``: Latin words and Han character pairs."""
    found = set()
    for run in _TOKEN.findall((text or "").lower()):
        if run.isascii():
            if len(run) >= 2:
                found.add(run)
        elif len(run) == 1:
            found.add(run)
        else:
            found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


def _score(case: CaseSummary, title: str, title_terms: set[str]) -> int:
    case_terms = terms(f"{case.problem} {case.keywords}")
    shared = len(title_terms & case_terms)
    # A curated keyword found in the title says more than a shared character pair.
    keyword_hits = sum(1 for keyword in case.keyword_list() if len(keyword) > 1 and keyword.lower() in title)
    return shared + 2 * keyword_hits


def similar_cases(complaint: Complaint, limit: int = 5, *, user=None) -> list[CaseSummary]:
    """Return up to ``limit`` knowledge-base cases like ``complaint``, most similar first.

    Candidates share the complaint's product model or its category (filtered in SQL,
    the latest ``CANDIDATES`` only). Each is scored by the complaint title's words and
    character pairs found in the case's problem and keywords, a keyword found whole
    counting double; ties go to the same product model, then to the newer case.
    Pass ``user`` to keep to the cases that user may see (sales: their own customers').

    Usage in a view: ``context["similar_cases"] = similar_cases(complaint, user=request.user)``,
    then ``{% include "servicing/_similar_cases.html" %}``.
    """
    match = Q(category=complaint.category)
    if complaint.product_model_id:
        match |= Q(product_model_id=complaint.product_model_id)
    base = cases_visible_to(user) if user is not None else CaseSummary.objects.all()
    candidates = (
        base.filter(match)
        .exclude(complaint_id=complaint.pk)
        .select_related("complaint", "product_model")
        .order_by("-written_at", "-id")[:CANDIDATES]
    )
    title = (complaint.title or "").lower()
    title_terms = terms(title)
    ranked = sorted(
        candidates,
        key=lambda case: (
            _score(case, title, title_terms),
            bool(complaint.product_model_id) and case.product_model_id == complaint.product_model_id,
            case.written_at,
            case.pk,
        ),
        reverse=True,
    )
    return ranked[:limit]

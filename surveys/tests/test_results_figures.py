"""The figures of a campaign: the weighted satisfaction index, per question and dimension, NPS, year on year."""

import pytest

from ..selectors.results import campaign_results
from . import factories_results as f


@pytest.fixture
def weights(db):
    f.set_weights(A="3.00", B="2.00", C="1.00")


def test_weighted_index_matches_the_hand_computed_example(weights):
    c = f.campaign()
    # Satisfaction per response = (mean of its scale answers − 1) / 4 × 100:
    #   A: (5, 5) → mean 5 → 100      weight 3
    #   B: (4, 3) → mean 3.5 → 62.5   weight 2
    #   C: (2, 1) → mean 1.5 → 12.5   weight 1
    #   C: (3, —) → mean 3 → 50       weight 1
    # CSI = (3·100 + 2·62.5 + 1·12.5 + 1·50) / (3 + 2 + 1 + 1) = 487.5 / 7 = 69.642… → 69.6
    f.response(c, tier="A", scores=(5, 5))
    f.response(c, tier="B", scores=(4, 3))
    f.response(c, tier="C", scores=(2, 1))
    f.response(c, tier="C", scores=(3, None))
    f.response(c, tier="C", submitted=False)
    figures = campaign_results(c)
    assert figures["csi"] == 69.6
    assert figures["sampled"] == 5 and figures["answered"] == 4 and figures["rate"] == 80.0
    tiers = {t["tier"]: t for t in figures["tiers"]}
    assert tiers["C"]["sampled"] == 3 and tiers["C"]["answered"] == 2 and tiers["C"]["rate"] == 66.7
    assert tiers["C"]["satisfaction"] == 31.2  # (12.5 + 50) / 2 = 31.25
    assert tiers["A"]["weight"] == 3.0
    # Levels by the rounded mean: 100 → 5, 62.5 → 4, 12.5 → 2, 50 → 3.
    assert figures["levels"] == {"5": 1, "4": 1, "3": 1, "2": 1, "1": 0}


def test_scores_per_question_and_dimension_and_nps(weights):
    c = f.campaign()
    q = c.q
    f.response(c, scores=(5, 4), nps=10, choice=q.web, comment="工程师很专业")
    f.response(c, scores=(4, 2), nps=9, choice=q.web)
    f.response(c, scores=(3, 1), nps=6, choice=q.phone)
    f.response(c, scores=(1, None), nps=8)
    figures = campaign_results(c)
    by_text = {row["text"]: row for row in figures["questions"]}
    timely = by_text["到场及时性"]
    assert timely["count"] == 4 and timely["mean"] == 3.25  # (5 + 4 + 3 + 1) / 4
    assert timely["levels"] == {"5": 1, "4": 1, "3": 1, "2": 0, "1": 1}
    # NPS = % of 9–10 − % of 0–6 = 2/4 − 1/4 = 25
    assert by_text["推荐意愿"]["nps"] == 25.0 and figures["nps"] == 25.0
    assert by_text["推荐意愿"]["mean"] == 8.25
    assert by_text["获知渠道"]["choices"] == [{"choice": "网站", "count": 2}, {"choice": "电话", "count": 1}]
    assert by_text["其他建议"]["comments"] == ["工程师很专业"]
    dims = {d["dimension"]: d for d in figures["dimensions"]}
    assert dims["timeliness"]["mean"] == 3.25
    assert dims["attitude"]["mean"] == 2.33 and dims["attitude"]["count"] == 3  # (4 + 2 + 1) / 3


def test_per_region_and_product_line(weights):
    from customers.tests.factories import DeliveryFactory, ProductModelFactory

    c = f.campaign()
    r1 = f.response(c, scores=(5, 5), region="江苏")
    r2 = f.response(c, scores=(1, 1), region="浙江")
    model = ProductModelFactory(code="KYN28")
    DeliveryFactory(customer=r1.customer, product_model=model)
    DeliveryFactory(customer=r1.customer, product_model=model)  # two deliveries count the customer once
    DeliveryFactory(customer=r2.customer, product_model=model)
    figures = campaign_results(c)
    regions = {r["key"]: r["satisfaction"] for r in figures["regions"]}
    assert regions == {"江苏": 100.0, "浙江": 0.0}
    assert figures["product_lines"][0]["answered"] == 2 and figures["product_lines"][0]["satisfaction"] == 50.0


def test_previous_year_uses_its_frozen_figures(weights):
    before = f.campaign(year=2025, state="concluded")
    before.results = {"csi": 77.7, "rate": 50.0, "answered": 60, "nps": 12.0, "dimensions": [], "tiers": []}
    before.save()
    c = f.campaign(year=2026)
    f.response(c, scores=(4, 4))
    assert campaign_results(c)["previous"]["csi"] == 77.7


def test_sales_figures_cover_only_their_customers(weights, make_user):
    sales, other = make_user("sales"), make_user("sales")
    c = f.campaign()
    f.response(c, scores=(5, 5), salesperson=sales)
    f.response(c, scores=(1, 1), salesperson=other)
    mine = campaign_results(c, user=sales)
    assert mine["answered"] == 1 and mine["csi"] == 100.0
    assert campaign_results(c)["answered"] == 2


def test_the_number_of_queries_does_not_grow_with_the_answers(weights, django_assert_max_num_queries):
    c = f.campaign(year=2026)
    f.campaign(year=2025, state="concluded", questionnaire_=c.q)
    f.response(c, scores=(4, 4), nps=9, choice=c.q.web)
    with django_assert_max_num_queries(25) as small:
        campaign_results(c)
    for i in range(30):
        f.response(c, scores=(i % 5 + 1, 3), nps=i % 11, choice=c.q.phone, comment=f"意见{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        campaign_results(c)

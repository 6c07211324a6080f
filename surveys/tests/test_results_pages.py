"""The results pages as each role uses them: figures, conclusion, report, findings, follow-up, exports, customer tab."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from quality.models import CapaAction

from ..models import Finding
from . import factories_results as f

PAGES = [
    "surveys:campaign_results",
    "surveys:campaign_conclude",
    "surveys:campaign_report",
    "surveys:campaign_report_xlsx",
    "surveys:finding_create",
    "surveys:campaign_export_answers",
    "surveys:campaign_export_analysis",
]


@pytest.fixture(autouse=True)
def _private(db, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    f.set_weights(A="3.00", B="2.00", C="1.00")


def _book(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(body))


def _cells(book):
    return [value for ws in book.worksheets for row in ws.iter_rows(values_only=True) for value in row]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("quality_leader", [200, 200, 200, 200, 200, 200, 200]),
        ("quality_engineer", [200, 403, 200, 200, 403, 200, 200]),
        ("sales", [200, 403, 200, 403, 403, 403, 403]),
        ("management", [200, 403, 200, 200, 403, 200, 200]),
        ("warehouse_keeper", [403, 403, 403, 403, 403, 403, 403]),
    ],
)
def test_role_checks_on_every_page(client_for, role, expected):
    c = f.campaign(target=1)
    f.response(c, scores=(4, 4))
    client = client_for(role)
    got = [client.get(reverse(name, args=[c.pk])).status_code for name in PAGES]
    assert got == expected


def test_results_page_states_the_formula_and_shows_the_figures(client_for):
    c = f.campaign(target=10)
    f.response(c, tier="A", scores=(5, 5), comment="备件到货快")
    f.response(c, tier="C", scores=(2, 1))
    page = client_for("quality_leader").get(reverse("surveys:campaign_results", args=[c.pk])).content.decode()
    assert "CSI = Σ(wᵢ·sᵢ) / Σwᵢ" in page
    assert 'data-testid="csi">78.1<' in page  # (3·100 + 1·12.5) / 4
    assert "备件到货快" in page and 'id="results-charts"' in page and "surveys_results.js" in page


def test_concluded_campaign_shows_the_frozen_figures(client_for, role_user):
    c = f.campaign(target=1)
    r = f.response(c, scores=(5, 5))
    client = client_for("quality_leader")
    response = client.post(reverse("surveys:campaign_conclude", args=[c.pk]), {"summary": "好"})
    assert response.status_code == 302
    r.answers.update(score=1)
    page = client.get(reverse("surveys:campaign_results", args=[c.pk])).content.decode()
    assert 'data-testid="frozen"' in page and 'data-testid="csi">100.0<' in page


def test_conclude_form_asks_for_the_reason_below_target_and_keeps_the_summary(client_for):
    c = f.campaign(target=5)
    f.response(c, scores=(4, 4))
    client = client_for("quality_leader")
    url = reverse("surveys:campaign_conclude", args=[c.pk])
    assert 'data-testid="below-target"' in client.get(url).content.decode()
    response = client.post(url, {"summary": "总结文字"})
    assert response.status_code == 422
    text = response.content.decode()
    assert "总结文字" in text and 'name="reason"' in text
    response = client.post(url, {"summary": "总结文字", "reason": "客户年底停产"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.state == "concluded" and c.shortfall_reason == "客户年底停产"


def test_report_page_and_stored_workbook(client_for):
    c = f.campaign(target=1)
    f.response(c, scores=(4, 4))
    client = client_for("quality_leader")
    provisional = client.get(reverse("surveys:campaign_report_xlsx", args=[c.pk]))
    assert "provisional" in provisional["Content-Disposition"]
    client.post(reverse("surveys:campaign_conclude", args=[c.pk]), {"summary": "年度总结"})
    stored = client.get(reverse("surveys:campaign_report_xlsx", args=[c.pk]))
    assert "provisional" not in stored["Content-Disposition"]
    assert "年度总结" in _cells(_book(stored))
    page = client.get(reverse("surveys:campaign_report", args=[c.pk])).content.decode()
    assert "print_report.css" in page and "年度总结" in page


def test_finding_becomes_a_capa_action_linked_both_ways(client_for, role_user):
    c = f.campaign(target=1)
    f.response(c, scores=(2, 4))
    owner = role_user("quality_engineer")
    client = client_for("quality_leader")
    url = reverse("surveys:finding_create", args=[c.pk])
    form = client.get(url, {"question": c.q.timely.pk}).content.decode()
    assert "到场及时性" in form
    due = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = client.post(
        url,
        {
            "question": c.q.timely.pk,
            "dimension": "timeliness",
            "kind": "corrective",
            "problem": "到场不及时",
            "planned_action": "增设服务站",
            "owner": owner.pk,
            "department": "售后服务部",
            "due_date": due,
        },
    )
    assert response.status_code == 302
    finding = Finding.objects.get(campaign=c)
    action = finding.capa
    assert action.source == "survey" and action.source_reference == f"{c.name} · 到场及时性"
    assert finding.question == c.q.timely and finding.dimension == "timeliness"
    page = client.get(reverse("quality:capa_detail", args=[action.number])).content.decode()
    assert 'data-testid="capa-survey-link"' in page
    assert reverse("surveys:campaign_results", args=[c.pk]) in page


def test_finding_form_reports_all_errors_and_keeps_the_input(client_for):
    c = f.campaign(target=1)
    response = client_for("quality_leader").post(
        reverse("surveys:finding_create", args=[c.pk]), {"problem": "到场不及时", "due_date": "2020-02-30"}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "到场不及时" in text and text.count("invalid-feedback") >= 4
    assert not CapaAction.objects.exists()


def test_dissatisfied_customers_and_follow_up(client_for, make_user):
    sales = make_user("sales")
    c = f.campaign(target=1)
    low = f.response(c, scores=(5, 2), salesperson=sales, name="不满意客户有限公司")
    f.response(c, scores=(5, 4), name="满意客户有限公司")
    client = client_for(sales)
    page = client.get(reverse("surveys:campaign_results", args=[c.pk])).content.decode()
    assert "不满意客户有限公司" in page and "满意客户有限公司" not in page.replace("不满意客户有限公司", "")
    assert f"/complaints/new/?customer={low.customer.pk}" in page
    url = reverse("surveys:response_follow_up", args=[low.pk])
    refused = client.post(url, {"note": ""}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422
    done = client.post(url, {"note": "已电话回访，客户接受改进方案"}, HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and "已电话回访" in done.content.decode()
    low.refresh_from_db()
    assert low.followed_up_at and low.follow_up_note == "已电话回访，客户接受改进方案"


def test_another_salesperson_cannot_follow_up(client_for, make_user):
    sales, other = make_user("sales"), make_user("sales")
    c = f.campaign(target=1)
    low = f.response(c, scores=(1, 1), salesperson=sales)
    response = client_for(other).post(reverse("surveys:response_follow_up", args=[low.pk]), {"note": "x"})
    assert response.status_code == 404


def test_raw_answers_export_is_scoped_to_each_salesperson(client_for, make_user, role_user):
    sales, other = make_user("sales"), make_user("sales")
    c = f.campaign(target=1)
    f.response(c, scores=(5, 4), salesperson=sales, name="甲方客户", comment="甲的意见")
    f.response(c, scores=(1, 1), salesperson=other, name="乙方客户")
    manager = role_user("aftersales_manager")
    everyone = _cells(_book(client_for(manager).get(reverse("surveys:campaign_export_answers", args=[c.pk]))))
    assert "甲方客户" in everyone and "乙方客户" in everyone and "甲的意见" in everyone
    rows = _book(client_for(manager).get(reverse("surveys:campaign_export_answers", args=[c.pk]))).worksheets[0]
    assert rows.max_row == 1 + 3 + 2  # header, 甲: two scores and a comment, 乙: two scores
    # Sales may not export; with the export permission a salesperson would still get only their own rows.
    from django.contrib.auth.models import Permission

    sales.user_permissions.add(Permission.objects.get(codename="export_campaign"))
    mine = _cells(_book(client_for(sales).get(reverse("surveys:campaign_export_answers", args=[c.pk]))))
    assert "甲方客户" in mine and "乙方客户" not in mine
    analysis = _cells(_book(client_for(sales).get(reverse("surveys:campaign_export_analysis", args=[c.pk]))))
    assert 1 in analysis  # one answer seen by this salesperson


def test_customer_tab_lists_the_customers_scores(client_for, make_user):
    sales, other = make_user("sales"), make_user("sales")
    c = f.campaign(target=1, name="2026年度调查")
    r = f.response(c, scores=(4, 3), salesperson=sales)  # (3.5 − 1) / 4 × 100 = 62.5
    url = reverse("surveys:customer_tab", args=[r.customer.pk])
    page = client_for(sales).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "2026年度调查" in page and "62.5" in page
    assert client_for(other).get(url, HTTP_HX_REQUEST="true").status_code == 404
    detail = client_for(sales).get(reverse("customers:detail", args=[r.customer.pk])).content.decode()
    assert url in detail


def test_results_page_queries_do_not_grow_with_the_answers(client_for, django_assert_max_num_queries):
    c = f.campaign(target=1)
    f.response(c, scores=(1, 4), nps=3, choice=c.q.web)
    client = client_for("quality_leader")
    url = reverse("surveys:campaign_results", args=[c.pk])
    client.get(url)
    with django_assert_max_num_queries(60) as first:
        client.get(url)
    for i in range(25):
        f.response(c, scores=(i % 5 + 1, 2), nps=i % 11, choice=c.q.phone, comment=f"意见{i}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200

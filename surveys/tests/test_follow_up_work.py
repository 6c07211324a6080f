"""Dissatisfied answers wait on the customer's salesperson in "my work" until the call back is recorded."""

import pytest
from django.urls import reverse

from aftersales import roles

from . import factories_results as f

pytestmark = pytest.mark.django_db


def test_dissatisfied_answers_wait_on_the_customers_salesperson_until_called_back(client_for, make_user):
    mine, theirs = make_user(roles.SALES), make_user(roles.SALES)
    c = f.campaign(target=1)
    low = f.response(c, scores=(2, 4), salesperson=mine, name="回访客户甲有限公司")
    f.response(c, scores=(1, 1), salesperson=theirs, name="别人的客户乙有限公司")
    f.response(c, scores=(5, 4), salesperson=mine, name="满意客户丙有限公司")
    f.response(c, scores=(1, 2), salesperson=mine, submitted=False, name="未提交客户丁有限公司")
    client = client_for(mine)
    work = client.get(reverse("complaints:my_work")).content.decode()
    assert 'data-testid="work-section-surveys-follow-up"' in work
    assert "回访客户甲有限公司" in work
    assert (
        "别人的客户乙有限公司" not in work and "满意客户丙有限公司" not in work and "未提交客户丁有限公司" not in work
    )

    page = client.get(reverse("surveys:response", args=[low.pk])).content.decode()
    assert 'data-testid="follow-up-waiting"' in page and str(mine) in page
    done = client.post(
        reverse("surveys:response_follow_up", args=[low.pk]), {"note": "已致电，安排工程师复查", "back": "response"}
    )
    assert done.status_code == 302 and done.url == reverse("surveys:response", args=[low.pk])
    page = client.get(done.url).content.decode()
    assert 'data-testid="followed-up"' in page and "已致电，安排工程师复查" in page
    assert "回访客户甲有限公司" not in client.get(reverse("complaints:my_work")).content.decode()


def test_a_customer_without_salesperson_waits_on_the_quality_group(client_for, make_user):
    c = f.campaign(target=1)
    f.response(c, scores=(1, 3), salesperson=None, name="无人负责客户有限公司")
    f.response(c, scores=(1, 3), salesperson=make_user(roles.SALES), name="有销售的客户有限公司")
    work = client_for(roles.QUALITY_LEADER).get(reverse("complaints:my_work")).content.decode()
    assert "无人负责客户有限公司" in work and "有销售的客户有限公司" not in work
    page = client_for(roles.QUALITY_LEADER).get(reverse("surveys:response", args=[c.responses.first().pk]))
    assert "质量组" in page.content.decode() or "quality group" in page.content.decode()

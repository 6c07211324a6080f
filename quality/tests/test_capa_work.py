"""The actions a user owns wait for them on "my work", whoever they are: a notice's unit head too."""

import pytest
from django.urls import reverse

from aftersales import roles
from aftersales.tests.pages import english

from ..models import CapaAction
from .factories import CapaActionFactory

pytestmark = pytest.mark.django_db


def _section(page: str) -> str:
    return page.split('data-testid="capa-work"')[1].split("</section>")[0]


def test_the_owner_of_a_notice_finds_it_on_my_work_and_nobody_else_does(client_for, make_user):
    head = make_user(roles.SALES, username="unit_head")
    other = make_user(roles.SALES, username="other_sales")
    notice = CapaActionFactory(notice=True, owner=head, problem="回访记录不全，需整改")
    done = CapaActionFactory(owner=head, problem="已完成的措施", state=CapaAction.State.CLOSED)

    page = english(client_for(head)).get(reverse("complaints:my_work")).content.decode()
    section = _section(page)
    assert notice.number in section
    assert "written reply of 华东服务站 due" in section
    assert done.number not in section

    page = english(client_for(other)).get(reverse("complaints:my_work")).content.decode()
    assert 'data-testid="capa-work"' not in page
    assert notice.number not in page


def test_a_completed_notice_still_waits_for_its_written_reply(client_for, make_user):
    head = make_user(roles.SALES, username="unit_head")
    notice = CapaActionFactory(notice=True, owner=head, state=CapaAction.State.COMPLETED)
    page = english(client_for(head)).get(reverse("complaints:my_work")).content.decode()
    assert notice.number in _section(page)
    CapaAction.objects.filter(pk=notice.pk).update(reply_received_at=notice.reply_deadline)
    page = english(client_for(head)).get(reverse("complaints:my_work")).content.decode()
    assert 'data-testid="capa-work"' not in page

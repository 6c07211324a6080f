"""The complaint lists' rendering: badges built by tags, no template per row, the assignee lookup."""

import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales import roles as r
from conftest import browser_login
from customers.tests.factories import CustomerFactory

from ..filters import handlers
from ..models import Complaint, Severity, SlaStatus
from ..views.common import Badge
from ..views.lookups import MAX_HANDLERS
from .factories import ComplaintFactory

# The include templates the lists rendered for every row, as they were: the tags must give the same HTML.
OLD_SEVERITY = (
    "<span class=\"badge {% if complaint.severity == 'major' %}text-bg-danger{% elif complaint.severity == 'serious' %}"
    'text-bg-warning{% else %}text-bg-light border{% endif %}" data-testid="severity">'
    "{{ complaint.get_severity_display }}</span>"
)
OLD_STATE = (
    "<span class=\"badge text-bg-{% if complaint.state == 'received' %}info{% elif complaint.state == 'analysing' %}"
    "primary{% elif complaint.state == 'awaiting_approval' %}warning{% elif complaint.state == 'rectifying' %}primary"
    '{% elif complaint.state == \'closed\' %}success{% else %}secondary{% endif %}" data-testid="state">'
    "{{ complaint.get_state_display }}</span>"
)
OLD_SLA = (
    '<span class="badge text-bg-{{ badge.colour }}" data-sla="{{ badge.status }}">'
    "{% if prefix %}{{ prefix }}: {% endif %}{{ badge.label }}</span>"
)


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize("severity", [*Severity.values, "unknown"])
def test_severity_badge_is_the_html_of_the_old_include(severity):
    complaint = Complaint(severity=severity)
    new = render("{% load complaint_badges %}{% severity_badge complaint.severity %}", complaint=complaint)
    assert new == render(OLD_SEVERITY, complaint=complaint)
    assert render('{% include "complaints/_severity_badge.html" %}', complaint=complaint) == new + "\n"


@pytest.mark.parametrize("state", [*Complaint.State.values, "unknown"])
def test_state_badge_is_the_html_of_the_old_include(state):
    complaint = Complaint(state=state)
    new = render("{% load complaint_badges %}{% state_badge complaint %}", complaint=complaint)
    assert new == render(OLD_STATE, complaint=complaint)
    assert render('{% include "complaints/_state_badge.html" %}', complaint=complaint) == new + "\n"


@pytest.mark.parametrize("status", list(SlaStatus.LABELS))
@pytest.mark.parametrize("prefix", ["", 'Response <&> "first"'])
def test_sla_badge_is_the_html_of_the_old_include(status, prefix):
    badge = Badge.of(status)
    new = render("{% load complaint_badges %}{% sla_badge badge prefix %}", badge=badge, prefix=prefix)
    assert new == render(OLD_SLA, badge=badge, prefix=prefix)
    included = '{% include "complaints/_sla_badge.html" with badge=badge prefix=prefix %}'
    assert render(included, badge=badge, prefix=prefix) == new + "\n"
    if not prefix:
        assert render("{% load complaint_badges %}{% sla_badge badge %}", badge=badge) == new


def test_breached_badge_reads_as_before():
    html = render("{% load complaint_badges %}{% sla_badge badge %}", badge=Badge.of(SlaStatus.BREACHED))
    assert html.startswith('<span class="badge text-bg-danger" data-sla="breached">')


# --- templates per page -------------------------------------------------------------------------


# The row markup of complaints/_rows.html as it was, one template pass per row.
OLD_ROW = (
    "{% load complaint_badges %}{% for complaint in page %}"
    '<tr data-number="{{ complaint.number }}">'
    '<td class="text-nowrap"><a href="{{ complaint.get_absolute_url }}">{{ complaint.number }}</a></td>'
    '<td class="text-nowrap">{{ complaint.received_at|date:"Y-m-d H:i" }}</td>'
    "<td>{{ complaint.customer.name }}</td>"
    '<td class="small">{{ complaint.product_model.code|default:"" }} '
    "{{ complaint.serial_number|default:complaint.batch_number }}</td>"
    '<td><a href="{{ complaint.get_absolute_url }}" class="text-body">{{ complaint.title|truncatechars:60 }}</a></td>'
    "<td>{% severity_badge complaint.severity %}</td><td>{% state_badge complaint %}</td>"
    "<td>{% sla_badge complaint.sla.overall %}</td>"
    '<td class="text-nowrap small{% if complaint.sla.overdue %} text-danger fw-semibold{% endif %}">'
    "{{ complaint.sla.time_left }}</td>"
    '<td>{{ complaint.assignee|default:"—" }}</td>'
    '{% if show_waiting %}<td class="small" data-testid="waiting-{{ complaint.number }}">'
    '{{ complaint.waiting|join:"; "|default:"—" }}</td>{% endif %}</tr>'
    "{% endfor %}"
)


def _squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.django_db
@pytest.mark.parametrize("show_waiting", [False, True])
def test_the_rows_tag_gives_the_markup_of_the_old_row_template(show_waiting, make_user):
    from ..views.common import with_sla

    engineer = make_user(r.AFTERSALES_ENGINEER, username="rows_engineer", last_name="王", first_name="<五>")
    customer = CustomerFactory(name='江苏 "电力" & <设备>')
    rows = [
        ComplaintFactory(customer=customer, assignee=engineer, title="断路器" * 30, severity=Severity.MAJOR),
        ComplaintFactory(customer=customer, product_model=None, serial_number="", batch_number="B-7"),
        ComplaintFactory(customer=customer, state=Complaint.State.CLOSED, closed_at=None),
    ]
    page = list(Complaint.objects.filter(pk__in=[c.pk for c in rows]).select_related("customer", "product_model"))
    with_sla(page)
    for n, complaint in enumerate(page):
        complaint.waiting = [f"质量部 <{n}>", "销售"] if n else []
    context = {"page": page, "show_waiting": show_waiting}
    new = render("{% load complaint_badges %}{% complaint_rows page show_waiting %}", **context)
    assert _squeeze(new) == _squeeze(render(OLD_ROW, **context))
    assert "&lt;五&gt;" in new and "&quot;电力&quot; &amp; &lt;设备&gt;" in new


def test_the_rows_tag_says_so_when_there_are_no_rows():
    assert "没有符合条件的投诉。" in render("{% load complaint_badges %}{% complaint_rows page %}", page=[])
    told = render("{% load complaint_badges %}{% complaint_rows page True 'Nothing <here>' %}", page=[])
    assert 'colspan="11"' in told and "Nothing &lt;here&gt;" in told


@pytest.fixture
def cast(make_user, role_user):
    return SimpleNamespace(
        sales=role_user(r.SALES),
        engineer=role_user(r.AFTERSALES_ENGINEER),
        manager=role_user(r.AFTERSALES_MANAGER),
        warehouse=role_user(r.WAREHOUSE_KEEPER),
    )


def _templates(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return [t.name for t in response.templates]


def _complaints(n, customer, assignee):
    states = Complaint.State.values
    for i in range(n):
        ComplaintFactory(
            customer=customer, assignee=assignee, state=states[i % len(states)], severity=Severity.values[i % 3]
        )


def test_lists_render_no_template_per_row(cast, client_for):
    client = client_for(cast.manager)
    customer = CustomerFactory(salesperson=cast.sales)
    urls = [
        reverse("complaints:list"),
        reverse("complaints:my_work"),
        reverse("complaints:customer_complaints", args=[customer.pk]),
    ]
    _complaints(2, customer, cast.manager)
    few = {url: _templates(client, url) for url in urls}
    _complaints(10, customer, cast.manager)
    many = {url: _templates(client, url) for url in urls}

    assert few == many
    for names in many.values():
        assert not [name for name in names if name.endswith("_badge.html")]
    page = client.get(urls[0]).content.decode()
    assert page.count('data-testid="state"') == page.count('data-testid="severity"') == 12
    assert len(re.findall(r'data-sla="\w+"', page)) == 12


# --- the assignee filter ----------------------------------------------------------------------


def _listed(client, **params):
    response = client.get(reverse("complaints:list"), params)
    assert response.status_code == 200
    return response, {c.number for c in response.context["page"]}


def test_filtering_by_assignee_still_works_and_the_box_names_the_chosen_one(cast, client_for, make_user):
    make_user(r.AFTERSALES_ENGINEER, username="other_engineer", last_name="周", first_name="八")
    client = client_for(cast.manager)
    customer = CustomerFactory(salesperson=cast.sales)
    mine = ComplaintFactory(customer=customer, assignee=cast.engineer)
    nobody = ComplaintFactory(customer=customer, assignee=None)
    ComplaintFactory(customer=customer, assignee=cast.manager)

    response, listed = _listed(client, assignee=cast.engineer.pk)
    assert listed == {mine.number}
    page = response.content.decode()
    assert f'name="assignee" value="{cast.engineer.pk}"' in page
    assert f'value="{cast.engineer}"' in page
    assert "周八" not in page

    response, listed = _listed(client, assignee="null")
    assert listed == {nobody.number}
    assert 'name="assignee" value="null"' in response.content.decode()
    assert 'value="未分配"' in response.content.decode()

    _response, listed = _listed(client)
    assert len(listed) == 3


def test_someone_who_may_not_handle_complaints_is_no_assignee_to_filter_by(cast, client_for):
    customer = CustomerFactory(salesperson=cast.sales)
    ComplaintFactory(customer=customer, assignee=cast.engineer)
    response = client_for(cast.manager).get(reverse("complaints:list"), {"assignee": cast.warehouse.pk})
    assert response.status_code == 200
    errors = response.context["filter"].errors["assignee"]
    assert errors and str(errors[0]) in response.content.decode()  # said on the form, the filter left out


def test_the_list_no_longer_carries_every_handler(cast, client_for, make_user):
    for n in range(5):
        make_user(r.AFTERSALES_ENGINEER, username=f"engineer_{n}", last_name="钱", first_name=f"工{n}")
    page = client_for(cast.manager).get(reverse("complaints:list")).content.decode()
    assert "<option" not in page.split('id="id_assignee"')[1].split("</div>")[0]
    assert "engineer_3" not in page and "钱工3" not in page
    assert reverse("complaints:lookup_assignees") in page


def test_choosing_an_assignee_reads_that_user_once_and_no_one_else(cast, client_for):
    client = client_for(cast.manager)
    url = reverse("complaints:list")
    client.get(url)
    user_table = cast.engineer._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        client.get(url, {"assignee": cast.engineer.pk})
    # The session's own user is read by the middleware; the filter reads only the chosen one.
    chosen = [q["sql"] for q in queries if f'FROM "{user_table}"' in q["sql"] and "handle_complaint" in q["sql"]]
    assert len(chosen) == 1
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert not [q["sql"] for q in queries if "handle_complaint" in q["sql"]]


def _lookup(client, **params):
    response = client.get(reverse("complaints:lookup_assignees"), params)
    assert response.status_code == 200
    return response


def _picked(response) -> list[str]:
    return re.findall(r'data-pick-value="([^"]+)"', response.content.decode())


def test_the_assignee_lookup_offers_only_active_handlers(cast, client_for, make_user):
    gone = make_user(r.AFTERSALES_ENGINEER, username="gone_engineer", is_active=False)
    direct = make_user(username="direct_handler")
    direct.user_permissions.add(Permission.objects.get(codename="handle_complaint"))
    client = client_for(cast.engineer)

    offered = _picked(_lookup(client))

    assert offered[0] == "null"
    assert set(offered[1:]) == {str(pk) for pk in handlers().values_list("pk", flat=True)}
    assert {str(cast.engineer.pk), str(cast.manager.pk), str(direct.pk)} <= set(offered)
    for outsider in (cast.sales, cast.warehouse, gone):
        assert str(outsider.pk) not in offered


def test_the_assignee_lookup_searches_names_and_user_names_and_stops_at_twenty(cast, client_for, make_user):
    for n in range(MAX_HANDLERS + 5):
        make_user(r.AFTERSALES_ENGINEER, username=f"field_{n:02d}", last_name="孙", first_name=f"师傅{n}")
    client = client_for(cast.manager)

    assert len(_picked(_lookup(client, q="field_"))) == MAX_HANDLERS
    found = _lookup(client, q="孙师傅7")
    assert _picked(found) == [str(type(cast.manager).objects.get(username="field_07").pk)]
    assert _picked(_lookup(client, q="FIELD_12")) == [str(type(cast.manager).objects.get(username="field_12").pk)]
    assert _picked(_lookup(client, q="未分")) == ["null"]
    nothing = _lookup(client, q="no such person")
    assert _picked(nothing) == [] and "<button" not in nothing.content.decode()


def test_the_assignee_lookup_is_for_complaint_readers_only(cast, client, client_for):
    url = reverse("complaints:lookup_assignees")
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response.url
    assert client_for(cast.warehouse).get(url).status_code == 403
    assert client_for(cast.sales).get(url).status_code == 200
    assert client_for(cast.sales).post(url).status_code == 405


@pytest.mark.browser
def test_picking_an_assignee_in_the_box_filters_the_list(browser_page, make_user):
    page, base_url = browser_page
    manager = make_user(r.AFTERSALES_MANAGER, username="picker_manager")
    engineer = make_user(r.AFTERSALES_ENGINEER, username="picker_engineer", last_name="李", first_name="四")
    customer = CustomerFactory(salesperson=make_user(r.SALES, username="picker_sales"))
    mine = ComplaintFactory(customer=customer, assignee=engineer)
    nobody = ComplaintFactory(customer=customer, assignee=None)
    rows = "[data-testid=complaint-table] tr[data-number]"
    browser_login(page, base_url, manager.username)
    page.goto(base_url + reverse("complaints:list"))

    page.fill("#id_assignee", "李四")
    page.click(f"[data-testid=assignee-results] [data-pick-value='{engineer.pk}']")
    page.wait_for_url(re.compile(rf"assignee={engineer.pk}"))
    page.wait_for_selector(f"{rows}[data-number='{nobody.number}']", state="detached")
    assert page.locator(rows).count() == 1 and page.get_attribute(rows, "data-number") == mine.number
    assert "q=%E6%9D%8E" not in page.url  # what was typed stays out of the list's query

    page.reload()
    assert page.input_value("#id_assignee") == "李四"
    page.fill("#id_assignee", "")
    page.wait_for_selector(f"{rows}[data-number='{nobody.number}']")
    page.click("[data-testid=assignee-results] [data-pick-value=null]")
    page.wait_for_selector(f"{rows}[data-number='{mine.number}']", state="detached")
    assert page.locator(rows).count() == 1 and page.get_attribute(rows, "data-number") == nobody.number
    assert page.input_value("#id_assignee") == "未分配"

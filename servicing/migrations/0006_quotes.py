"""Repair quotes and claim costs; the complaint's three quote amounts become quotes.

Each complaint with a non-zero quoted total gets a quote of revision 1 with one line per
non-zero amount (parts, labour, travel), at a tax rate of 0 %: the old amounts were the
figures the customer was given, so the migrated total stays exactly what was quoted.
A complaint past approval (rectifying or closed) went ahead with the repair, so its quote
is *accepted*, dated the day of its approval; any other (still in analysis or approval,
or cancelled) gets a *draft* for the engineer to check, send and have accepted. The
complaints migration that drops the three fields runs after this one (``run_before``),
so complaints never refers to servicing.
"""

from decimal import Decimal

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models

from aftersales.roles import grant, revoke

VIEW = ["servicing.view_quote", "servicing.view_quoteline"]
PREPARE = VIEW + [
    "servicing.add_quote", "servicing.change_quote", "servicing.answer_quote",
    "servicing.add_claimcost", "servicing.change_claimcost", "servicing.view_claimcost",
]
COST_READ = ["servicing.view_claimcost", "servicing.export_claimcost"]
GRANTS = {
    "sales": VIEW + ["servicing.answer_quote"],
    "aftersales_engineer": PREPARE,
    "aftersales_manager": PREPARE + ["servicing.change_closed_claimcost", "servicing.export_claimcost"],
    "quality_engineer": VIEW,
    "quality_leader": VIEW + COST_READ,
    "quality_clerk": VIEW,
    "quality_deputy": VIEW,
    "general_manager": VIEW + COST_READ,
    "management": VIEW + COST_READ,
}
PAST_APPROVAL = ("rectifying", "closed")
OLD_AMOUNTS = (("parts", "quote_parts", "配件"), ("labour", "quote_labour", "人工"), ("travel", "quote_travel", "差旅"))


def seed_roles(apps, schema_editor):
    grant(apps, GRANTS)


def unseed_roles(apps, schema_editor):
    revoke(apps, GRANTS)


def _number(apps, complaint) -> str:
    """Number the quote as aftersales.numbering does (BJ-YYYYMM-NNNN, by the complaint's month)."""
    from django.utils import timezone

    NumberSequence = apps.get_model("aftersales", "NumberSequence")
    period = timezone.localtime(complaint.received_at).strftime("%Y%m")
    sequence, _created = NumberSequence.objects.select_for_update().get_or_create(key=f"BJ-{period}")
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return f"BJ-{period}-{sequence.last_value:04d}"


def _approved_at(complaint):
    stamps = [complaint.manager_approved_at, complaint.gm_approved_at, complaint.quality_approved_at]
    return max([stamp for stamp in stamps if stamp] or [complaint.updated_at])


def quotes_from_amounts(apps, schema_editor):
    from django.utils import timezone

    Complaint = apps.get_model("complaints", "Complaint")
    Quote = apps.get_model("servicing", "Quote")
    QuoteLine = apps.get_model("servicing", "QuoteLine")
    complaints = Complaint.objects.filter(
        models.Q(quote_parts__gt=0) | models.Q(quote_labour__gt=0) | models.Q(quote_travel__gt=0)
    ).order_by("received_at", "pk")
    for complaint in complaints.iterator():
        amounts = [(kind, getattr(complaint, field), label) for kind, field, label in OLD_AMOUNTS]
        subtotal = sum((amount for _kind, amount, _label in amounts), Decimal(0))
        fields = {"valid_until": timezone.localtime(complaint.received_at).date()}
        if complaint.state in PAST_APPROVAL:
            approved = timezone.localtime(_approved_at(complaint))
            fields = {
                **fields,
                "state": "accepted",
                "sent_at": approved,
                "valid_until": approved.date(),
                "answer_date": approved.date(),
                "answer_name": complaint.acceptance_name,
            }
        quote = Quote(
            number=_number(apps, complaint),
            complaint=complaint,
            revision=1,
            tax_rate=Decimal(0),
            subtotal=subtotal,
            tax_amount=Decimal(0),
            total=subtotal,
            created_by_id=complaint.received_by_id,
            **fields,
        )
        quote.save()
        QuoteLine.objects.bulk_create(
            QuoteLine(quote=quote, position=n, kind=kind, description=label, quantity=1, unit_price=amount, amount=amount)
            for n, (kind, amount, label) in enumerate(((k, a, l) for k, a, l in amounts if a > 0), start=1)
        )


def amounts_from_quotes(apps, schema_editor):
    """Put the first quote's lines back into the complaint's three amounts (tax left out)."""
    Complaint = apps.get_model("complaints", "Complaint")
    QuoteLine = apps.get_model("servicing", "QuoteLine")
    for line in QuoteLine.objects.filter(quote__revision=1).select_related("quote"):
        field = {kind: name for kind, name, _label in OLD_AMOUNTS}.get(line.kind)
        if field:
            Complaint.objects.filter(pk=line.quote.complaint_id).update(**{field: models.F(field) + line.amount})


class Migration(migrations.Migration):

    run_before = [("complaints", "0013_remove_complaint_quote_fields")]

    dependencies = [
        ('aftersales', '0008_spreadsheet_jobs'),
        ('complaints', '0012_service_work_moves_to_servicing'),
        ('servicing', '0005_commissioning'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Quote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(editable=False, max_length=20, unique=True, verbose_name='number')),
                ('revision', models.PositiveSmallIntegerField(default=1, verbose_name='revision')),
                ('state', django_fsm.FSMField(choices=[('draft', 'Draft'), ('sent', 'Sent, awaiting the customer'), ('accepted', 'Accepted'), ('refused', 'Refused'), ('superseded', 'Superseded')], default='draft', max_length=12, protected=True, verbose_name='state')),
                ('tax_rate', models.DecimalField(decimal_places=2, default=Decimal('13.00'), max_digits=5, verbose_name='tax rate (%)')),
                ('subtotal', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='amount before tax (CNY)')),
                ('tax_amount', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='tax (CNY)')),
                ('total', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='total with tax (CNY)')),
                ('valid_until', models.DateField(verbose_name='valid until')),
                ('notes', models.TextField(blank=True, verbose_name='terms and notes')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='prepared at')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                ('sent_via', models.CharField(blank=True, choices=[('email', 'E-mail'), ('fax', 'Fax'), ('handed', 'Handed over')], max_length=10, verbose_name='sent by way of')),
                ('answer_name', models.CharField(blank=True, max_length=50, verbose_name='answered by (customer)')),
                ('answer_date', models.DateField(blank=True, null=True, verbose_name='answer date')),
                ('refusal_reason', models.TextField(blank=True, verbose_name='reason for refusing')),
                ('answer_recorded_at', models.DateTimeField(blank=True, null=True, verbose_name='answer recorded at')),
                ('superseded_at', models.DateTimeField(blank=True, null=True, verbose_name='superseded at')),
                ('answer_recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answer recorded by')),
                ('complaint', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='quotes', to='complaints.complaint', verbose_name='complaint')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='prepared by')),
                ('sent_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='sent by')),
            ],
            options={
                'verbose_name': 'repair quote',
                'verbose_name_plural': 'repair quotes',
                'ordering': ['-created_at', '-id'],
                'permissions': [('answer_quote', "Can record the customer's answer to a repair quote")],
            },
            bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
        ),
        migrations.CreateModel(
            name='QuoteLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(default=1, verbose_name='line')),
                ('kind', models.CharField(choices=[('parts', 'Parts'), ('travel', 'Travel'), ('labour', 'Labour'), ('other', 'Other')], default='parts', max_length=10, verbose_name='kind')),
                ('description', models.CharField(max_length=200, verbose_name='description')),
                ('quantity', models.DecimalField(decimal_places=2, default=1, max_digits=10, verbose_name='quantity')),
                ('unit_price', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='unit price (CNY)')),
                ('amount', models.DecimalField(decimal_places=2, editable=False, max_digits=14, verbose_name='amount (CNY)')),
                ('quote', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='servicing.quote', verbose_name='quote')),
            ],
            options={
                'verbose_name': 'quote line',
                'verbose_name_plural': 'quote lines',
                'ordering': ['quote', 'position', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ClaimCost',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('parts', models.DecimalField(decimal_places=2, default=0, max_digits=12, verbose_name='parts (CNY)')),
                ('labour_hours', models.DecimalField(decimal_places=2, default=0, max_digits=8, verbose_name='labour hours')),
                ('hourly_rate', models.DecimalField(decimal_places=2, default=0, max_digits=10, verbose_name='hourly rate (CNY)')),
                ('labour', models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=14, verbose_name='labour (CNY)')),
                ('travel', models.DecimalField(decimal_places=2, default=0, max_digits=12, verbose_name='travel (CNY)')),
                ('other', models.DecimalField(decimal_places=2, default=0, max_digits=12, verbose_name='other (CNY)')),
                ('total', models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=14, verbose_name='total (CNY)')),
                ('notes', models.TextField(blank=True, verbose_name='notes')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='last changed at')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded at')),
                ('complaint', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='claim_cost', to='complaints.complaint', verbose_name='complaint')),
                ('updated_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='last changed by')),
            ],
            options={
                'verbose_name': 'claim cost',
                'verbose_name_plural': 'claim costs',
                'ordering': ['-created_at', '-id'],
                'permissions': [('change_closed_claimcost', 'Can correct the cost of a closed claim'), ('export_claimcost', 'Can export claim costs')],
                'indexes': [models.Index(fields=['-created_at', '-id'], name='claim_cost_created')],
                'constraints': [models.CheckConstraint(condition=models.Q(('parts__gte', 0), ('labour_hours__gte', 0), ('hourly_rate__gte', 0), ('labour__gte', 0), ('travel__gte', 0), ('other__gte', 0), ('total__gte', 0)), name='claim_cost_not_negative')],
            },
        ),
        migrations.AddIndex(
            model_name='quote',
            index=models.Index(fields=['complaint', '-revision'], name='quote_complaint_revision'),
        ),
        migrations.AddConstraint(
            model_name='quote',
            constraint=models.UniqueConstraint(fields=('complaint', 'revision'), name='quote_revision_once'),
        ),
        migrations.AddConstraint(
            model_name='quote',
            constraint=models.UniqueConstraint(condition=models.Q(('state', 'accepted')), fields=('complaint',), name='quote_one_accepted_per_complaint'),
        ),
        migrations.AddConstraint(
            model_name='quote',
            constraint=models.CheckConstraint(condition=models.Q(('subtotal__gte', 0), ('tax_amount__gte', 0), ('total__gte', 0)), name='quote_amounts_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='quote',
            constraint=models.CheckConstraint(condition=models.Q(('tax_rate__gte', 0), ('tax_rate__lte', 100)), name='quote_tax_rate_range'),
        ),
        migrations.AddConstraint(
            model_name='quote',
            constraint=models.CheckConstraint(condition=models.Q(('state', 'draft'), ('sent_at__isnull', False), _connector='OR'), name='quote_sent_when'),
        ),
        migrations.AddConstraint(
            model_name='quote',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state__in', ['accepted', 'refused']), _negated=True), ('answer_date__isnull', False), _connector='OR'), name='quote_answer_dated'),
        ),
        migrations.AddConstraint(
            model_name='quoteline',
            constraint=models.CheckConstraint(condition=models.Q(('quantity__gt', 0)), name='quote_line_quantity_positive'),
        ),
        migrations.AddConstraint(
            model_name='quoteline',
            constraint=models.CheckConstraint(condition=models.Q(('unit_price__gte', 0)), name='quote_line_price_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='quoteline',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='quote_line_amount_not_negative'),
        ),
        migrations.RunPython(seed_roles, unseed_roles),
        migrations.RunPython(quotes_from_amounts, amounts_from_quotes),
    ]

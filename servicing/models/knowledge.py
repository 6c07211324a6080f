"""The knowledge base: a case summary written when a complaint closes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from customers.models import ProductModel


class CaseSummary(models.Model):
    """A knowledge-base entry written when a complaint closes."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.PROTECT, related_name="case_summary", verbose_name=_("complaint")
    )
    product_model = models.ForeignKey(
        ProductModel, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("product model")
    )
    category = models.CharField(_("category"), max_length=20, choices=Complaint.Category.choices)
    problem = models.TextField(_("problem"))
    cause = models.TextField(_("cause"))
    solution = models.TextField(_("solution"))
    keywords = models.CharField(
        _("keywords"), max_length=200, blank=True, help_text=_("Separate keywords with spaces or commas.")
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("case summary")
        verbose_name_plural = _("knowledge base")
        ordering = ["-written_at"]
        indexes = [models.Index(fields=["product_model", "category"], name="case_model_category")]

    def __str__(self):
        return f"{self.complaint.number} {self.problem[:40]}"

    def keyword_list(self) -> list[str]:
        return [k for k in self.keywords.replace("，", ",").replace(",", " ").split() if k]

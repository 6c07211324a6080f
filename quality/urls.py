from django.urls import path, register_converter

from .forms import CAPA_FORMS, SHEET_FORMS, TASK_FORMS
from .report_urls import urlpatterns as report_urlpatterns
from .urls_supervision import urlpatterns as supervision_urlpatterns
from .views import capa, sheets, steps, workbench


class NumberConverter:
    """A sheet or action number such as QI-2026-0001 or CA-2026-0001."""

    regex = r"[A-Z]{2}-\d{4}-\d{4,}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(NumberConverter, "quality_number")

app_name = "quality"

urlpatterns = (
    [
        path("", workbench.workbench, name="workbench"),
        path("sheets/new/", sheets.sheet_raise, name="sheet_raise"),
        path("sheets/<quality_number:number>/", sheets.sheet_detail, name="sheet_detail"),
        path("sheets/<quality_number:number>/files/<int:pk>/", sheets.file_download, name="sheet_file"),
        *(
            path(f"sheets/<quality_number:number>/{name}/", steps.sheet_step, {"step": name}, name=f"sheet_{name}")
            for name in SHEET_FORMS
        ),
        *(
            path(
                f"sheets/<quality_number:number>/tasks/<int:pk>/{name}/",
                steps.task_step,
                {"step": name},
                name=f"task_{name}",
            )
            for name in TASK_FORMS
        ),
        path("actions/", capa.capa_list, name="capa_list"),
        path("actions/new/", capa.capa_create, name="capa_create"),
        path("actions/<quality_number:number>/", capa.capa_detail, name="capa_detail"),
        path("actions/<quality_number:number>/notice/", capa.capa_notice, name="capa_notice"),
        *(
            path(f"actions/<quality_number:number>/{name}/", capa.capa_step, {"step": name}, name=f"capa_{name}")
            for name in CAPA_FORMS
        ),
    ]
    + report_urlpatterns
    + supervision_urlpatterns
)

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog, set_language

from . import spreadsheet_views, views

admin.site.site_header = _("Aftersales administration")
admin.site.site_title = _("Aftersales")
admin.site.index_title = _("Quality records")

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("spreadsheets/", spreadsheet_views.job_list, name="spreadsheet-jobs"),
    path("spreadsheets/import/<str:kind>/", spreadsheet_views.import_upload, name="spreadsheet-import"),
    path("spreadsheets/import/<str:kind>/template/", spreadsheet_views.import_template, name="spreadsheet-template"),
    path("spreadsheets/<int:pk>/", spreadsheet_views.job_detail, name="spreadsheet-job"),
    path("spreadsheets/<int:pk>/progress/", spreadsheet_views.job_progress, name="spreadsheet-job-progress"),
    path("spreadsheets/<int:pk>/problems/", spreadsheet_views.job_problems, name="spreadsheet-job-problems"),
    path("spreadsheets/<int:pk>/confirm/", spreadsheet_views.job_confirm, name="spreadsheet-job-confirm"),
    path("spreadsheets/<int:pk>/cancel/", spreadsheet_views.job_cancel, name="spreadsheet-job-cancel"),
    path("spreadsheets/<int:pk>/<str:which>/", spreadsheet_views.job_file, name="spreadsheet-job-file"),
    path("customers/", include("customers.urls")),
    path("complaints/", include("servicing.legacy_urls")),  # old service addresses, redirected
    path("complaints/", include("complaints.urls")),
    path("service/", include("servicing.urls")),
    path("parts/", include("parts.urls")),
    path("quality/", include("quality.urls")),
    path("surveys/", include("surveys.urls")),
    path("staff/", include("staff.urls")),
    path("reports/", include("reports.urls")),
    path("s/", include("surveys.urls_public")),  # the customer's personal link: short to type from paper
    path("admin/", admin.site.urls),
]

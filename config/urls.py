from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from los.access.guard import access

urlpatterns = [
    path("i18n/setlang/", access("public")(set_language), name="set_language"),
    # one's own password is changed on one's own page, never in the admin site (which sets no passwords)
    path("admin/password_change/", access("authenticated")(
        RedirectView.as_view(pattern_name="accounts:password_change")), name="admin_password_change"),
    path("admin/", admin.site.urls),
    path("konto/", include("los.accounts.urls")),
    path("familier/", include("los.families.urls")),
    path("tilgang/", include("los.access.urls")),
    path("henvendelser/", include("los.referrals.urls")),
    path("plan/", include("los.plans.urls")),
    path("moter/", include("los.meetings.urls")),
    path("tjenester/", include("los.servicemap.urls")),
    path("dagbok/", include("los.carediary.urls")),
    path("los/", include("los.navigator.urls")),
    path("familie/", include("los.portal.urls")),
    path("statistikk/", include("los.stats.urls")),
    path("api/", include("los.api.urls")),
    path("overganger/", include("los.transitions.urls")),
    path("i-dag/", include("los.workday.urls")),
    path("sporreskjema/", include("los.survey.urls")),
    path("arkiv/", include("los.archive.urls")),
    path("", include("los.core.urls")),
]

handler400 = "los.core.views.bad_request"
handler403 = "los.core.views.permission_denied"
handler404 = "los.core.views.page_not_found"
handler500 = "los.core.views.server_error"

from django.urls import path

from . import views

app_name = "servicemap"

urlpatterns = [
    path("familie/<int:family_pk>/", views.family_map, name="family_map"),
    path("familie/<int:family_pk>/ny-tjeneste/", views.entry_create, name="entry_create"),
    path("familie/<int:family_pk>/nytt-behov/", views.need_create, name="need_create"),
    path("tjeneste/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("tjeneste/<int:pk>/endre/", views.entry_update, name="entry_update"),
    path("tjeneste/<int:pk>/ny-soknad/", views.application_create, name="application_create"),
    path("tjeneste/<int:pk>/dokument/", views.document_upload, name="document_upload"),
    path("soknad/<int:pk>/endre/", views.application_update, name="application_update"),
    path("soknad/<int:pk>/vedtak/", views.decision_record, name="decision_record"),
    path("soknad/<int:pk>/ingen-klage/", views.no_appeal, name="no_appeal"),
    path("soknad/<int:pk>/klage/", views.appeal_create, name="appeal_create"),
    path("klage/<int:pk>/endre/", views.appeal_update, name="appeal_update"),
    path("dokument/<int:pk>/", views.document_download, name="document_download"),
    path("behov/<int:pk>/endre/", views.need_update, name="need_update"),
    path("behov/<int:pk>/spor-tjeneste/", views.need_ask, name="need_ask"),
    path("foresporsel/<int:pk>/svar/", views.need_answer, name="need_answer"),
    path("uten-eier/", views.unowned_needs, name="unowned_needs"),
    path("varsler/", views.notifications, name="notifications"),
    path("varsler/<int:pk>/lest/", views.notification_read, name="notification_read"),
]

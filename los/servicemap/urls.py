from django.urls import path

from . import views, views_followup

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
    # from "you may be entitled" to "it is delivered"
    path("familie/<int:family_pk>/soknadspakke/<slug:catalog_id>/", views_followup.kit_page, name="kit"),
    path("familie/<int:family_pk>/soknadspakke/<slug:catalog_id>/last-opp/", views_followup.kit_upload,
         name="kit_upload"),
    path("soknad/<int:pk>/klage/utkast/", views_followup.appeal_outline, name="appeal_outline"),
    path("soknad/<int:pk>/klage/begrunnelse/", views_followup.appeal_reasons, name="appeal_reasons"),
    path("soknad/<int:pk>/klage/arbeidsutkast/", views_followup.appeal_draft_start, name="appeal_draft_start"),
    path("klageutkast/<int:pk>/", views_followup.appeal_draft_save, name="appeal_draft_save"),
    path("tjeneste/<int:pk>/levert/", views_followup.delivery_record, name="delivery_record"),
    path("levering/<int:pk>/fjern/", views_followup.delivery_remove, name="delivery_remove"),
    path("tjeneste/<int:pk>/takket-nei/", views_followup.decline, name="decline"),
    path("tjeneste/<int:pk>/takket-nei/angre/", views_followup.decline_undo, name="decline_undo"),
    path("tjeneste/<int:pk>/folg-levering/", views_followup.follow_delivery, name="follow_delivery"),
    path("levering/terskler/", views_followup.delivery_settings, name="delivery_settings"),
    path("tiltak/<int:measure_pk>/vedtak/", views_followup.measure_decision, name="measure_decision"),
    path("avtale/<int:decision_pk>/soknad/", views_followup.agreement_application, name="agreement_application"),
]

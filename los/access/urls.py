from django.urls import include, path

from . import views

app_name = "access"

urlpatterns = [
    path("familie/<int:family_pk>/", include([
        path("samtykker/", views.family_consents, name="family_consents"),
        path("samtykker/nytt/", views.give_consent, name="give_consent"),
        path("samtykker/registrer/", views.record_consent, name="record_consent"),
        path("samtykker/<int:consent_pk>/trekk-tilbake/", views.withdraw_consent, name="withdraw_consent"),
        path("helseopplysninger/", views.health_sharing, name="health_sharing"),
        path("innsyn/", views.family_access_log, name="family_access_log"),
    ])),
]

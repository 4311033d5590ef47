from django.urls import path

from . import views

app_name = "access"

urlpatterns = [
    path("familie/<int:family_pk>/samtykker/", views.family_consents, name="family_consents"),
    path("familie/<int:family_pk>/samtykker/nytt/", views.give_consent, name="give_consent"),
    path("familie/<int:family_pk>/samtykker/registrer/", views.record_consent, name="record_consent"),
    path("familie/<int:family_pk>/samtykker/<int:consent_pk>/trekk-tilbake/", views.withdraw_consent,
         name="withdraw_consent"),
    path("familie/<int:family_pk>/helseopplysninger/", views.health_sharing, name="health_sharing"),
    path("familie/<int:family_pk>/innsyn/", views.family_access_log, name="family_access_log"),
]

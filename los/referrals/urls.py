from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("ny/", views.public_request, name="public_request"),
    path("ny/mottatt/", views.public_receipt, name="public_receipt"),
    path("bekreft/", views.confirm_public, name="confirm_public"),
    path("registrer/", views.professional_request, name="professional_request"),
    path("ko/", views.queue, name="queue"),
    path("kriterier/", views.local_criteria, name="local_criteria"),
    path("likebehandling/", views.equal_treatment, name="equal_treatment"),
    path("familie/<int:family_pk>/", views.family_case, name="family_case"),
    path("familie/<int:family_pk>/be-om-barnekoordinator/", views.family_ask, name="family_ask"),
    path("familie/<int:family_pk>/registrer/", views.family_register, name="family_register"),
    path("familie/<int:family_pk>/oppnevn/", views.appoint, name="appoint"),
    path("familie/<int:family_pk>/avslutt/", views.ending, name="ending"),
    path("familie/<int:family_pk>/foresatt/<int:member_pk>/", views.confirm_guardian, name="confirm_guardian"),
    path("<int:pk>/forelopig-svar/", views.preliminary_reply, name="preliminary_reply"),
    path("<int:pk>/vurdering/", views.assessment, name="assessment"),
    path("<int:pk>/vedtak/", views.decision, name="decision"),
    path("<int:pk>/trekk/", views.withdraw, name="withdraw"),
    path("vedtak/<int:pk>/brev.pdf", views.letter, name="letter"),
    path("vedtak/<int:pk>/klage/", views.appeal_new, name="appeal_new"),
    path("klage/<int:pk>/", views.appeal, name="appeal"),
    path("overlevering/flere/", views.bulk_handover, name="bulk_handover"),
    path("overlevering/<int:pk>/", views.handover, name="handover"),
]

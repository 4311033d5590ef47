from django.urls import path

from los.archive import views

app_name = "archive"

urlpatterns = [
    path("", views.journal, name="journal"),
    path("familie/<int:family_pk>/", views.family_journal, name="family_journal"),
    path("dokument/<int:archivedocument_pk>/", views.document, name="document"),
    path("journalpost/<int:registryentry_pk>/tilby-igjen/", views.offer_again, name="offer_again"),
    path("avlevering/", views.deposits, name="deposits"),
    path("avlevering/<int:pk>/bekreft/", views.confirm_deposit, name="confirm_deposit"),
    path("avlevering/<int:pk>/pakke.zip", views.deposit_file, name="deposit_file"),
]

from django.urls import path

from . import views

app_name = "carediary"

urlpatterns = [
    path("familie/<int:family_pk>/", views.diary, name="diary"),
    path("familie/<int:family_pk>/dag/", views.record_day, name="record_day"),
    path("familie/<int:family_pk>/som-dagen-for/", views.copy_day, name="copy_day"),
    path("familie/<int:family_pk>/vanlig-for-alderen/", views.usual, name="usual"),
    path("familie/<int:family_pk>/vedlegg/", views.attachment, name="attachment"),
]

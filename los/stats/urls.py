from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("enhet/last-ned/", views.unit_download, name="unit_download"),
    path("enhet/ko/", views.queue, name="queue"),
    path("enhet/uten-kontakt/", views.without_contact, name="without_contact"),
    path("kommune/", views.municipal, name="municipal"),
    path("kommune/last-ned/", views.municipal_download, name="municipal_download"),
    path("forskning/", views.export, name="export"),
    path("forskning/last-ned/", views.export_download, name="export_download"),
]

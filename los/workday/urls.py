from django.urls import path

from . import views

app_name = "workday"

urlpatterns = [
    path("", views.today, name="today"),
    path("finn/", views.find, name="find"),
    path("startguide/", views.start_guide, name="start_guide"),
    path("startguide/endre/", views.start_guide_edit, name="start_guide_edit"),
    path("enhet/kapasitet/", views.unit_settings, name="unit_settings"),
]

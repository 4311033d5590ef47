from django.urls import path

from . import views

app_name = "navigator"

urlpatterns = [
    path("", views.anonymous, name="anonymous"),
    path("familie/<int:family_pk>/", views.family_page, name="family"),
    path("familie/<int:family_pk>/svar/", views.save_answers, name="save_answers"),
    path("familie/<int:family_pk>/har-soekt/", views.mark_applied, name="mark_applied"),
    path("mine-familier/", views.screening, name="screening"),
    path("enhet/", views.unit, name="unit"),
    path("lokalt/", views.local_catalogue, name="local"),
    path("lokalt/tilbud/", views.local_entry_edit, name="local_entry"),
    path("lokalt/rutine/", views.local_routine_edit, name="local_routine"),
    path("endringer/", views.changes, name="changes"),
]

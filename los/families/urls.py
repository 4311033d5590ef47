from django.urls import path

from . import views

app_name = "families"

urlpatterns = [
    path("<int:family_id>/", views.family_detail, name="detail"),
    path("<int:family_id>/kolleger/", views.colleagues, name="colleagues"),
    path("kolleger/<int:pk>/avslutt/", views.colleague_end, name="colleague_end"),
]

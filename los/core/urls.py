from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("om-los/", views.about, name="about"),
    path("ping/", views.ping, name="ping"),
]

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", views.logout_view, name="logout"),
    path("andre-faktor/", views.otp_view, name="otp"),
]

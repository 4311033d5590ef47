from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", views.logout_view, name="logout"),
    path("andre-faktor/", views.otp_view, name="otp"),
    path("idporten/", views.FamilyOIDCStartView.as_view(), name="idporten"),
    path("idporten/svar/", views.family_callback, name="idporten_callback"),
    path("ansatt/", views.StaffOIDCStartView.as_view(), name="staff_login"),
    path("ansatt/svar/", views.staff_callback, name="staff_callback"),
    path("innlogging-avvist/", views.login_refused, name="login_refused"),
]

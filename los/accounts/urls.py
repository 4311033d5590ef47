from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", views.logout_view, name="logout"),
    path("andre-faktor/", views.otp_view, name="otp"),
    path("passord/", views.PasswordChangeView.as_view(), name="password_change"),
    path("passord/ny/<uidb64>/<token>/", views.PasswordSetView.as_view(), name="password_set"),
    path("passord/satt/", views.PasswordSetDoneView.as_view(), name="password_set_done"),
    path("roller/", views.pending_roles, name="pending_roles"),
    path("roller/<int:pk>/godkjenn/", views.decide_role, {"decision": "approve"}, name="approve_role"),
    path("roller/<int:pk>/avsla/", views.decide_role, {"decision": "refuse"}, name="refuse_role"),
    path("idporten/", views.FamilyOIDCStartView.as_view(), name="idporten"),
    path("idporten/svar/", views.family_callback, name="idporten_callback"),
    path("ansatt/", views.StaffOIDCStartView.as_view(), name="staff_login"),
    path("ansatt/svar/", views.staff_callback, name="staff_callback"),
    path("innlogging-avvist/", views.login_refused, name="login_refused"),
]

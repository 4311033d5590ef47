from django.urls import path

from los.survey import views

app_name = "survey"

urlpatterns = [
    path("<int:family_pk>/svar/<int:invitation_pk>/", views.questionnaire, name="questionnaire"),
    path("<int:family_pk>/vare-svar/", views.our_answers, name="our_answers"),
    path("<int:family_pk>/vare-svar/<int:invitation_pk>/slett/", views.delete_answer, name="delete_answer"),
    path("familiene-svarer/", views.outcomes, name="outcomes"),
    path("familiene-svarer/last-ned/", views.outcomes_download, name="outcomes_download"),
]

from django.urls import path, re_path

from . import views

app_name = "plans"

urlpatterns = [
    path("familie/<int:family_pk>/", views.family_plan, name="family_plan"),
    path("familie/<int:family_pk>/ny/", views.plan_create, name="plan_create"),
    path("mine-tiltak/", views.my_measures, name="my_measures"),
    path("<int:plan_pk>/endre/", views.plan_edit, name="plan_edit"),
    path("<int:plan_pk>/maal/nytt/", views.goal_create, name="goal_create"),
    path("maal/<int:pk>/endre/", views.goal_edit, name="goal_edit"),
    re_path(r"^(?P<plan_pk>[0-9]+)/(?P<slug>ressurs|behov)/ny/$", views.item_create, name="item_create"),
    re_path(r"^(?P<slug>ressurs|behov)/(?P<pk>[0-9]+)/endre/$", views.item_edit, name="item_edit"),
    re_path(r"^(?P<slug>ressurs|behov)/(?P<pk>[0-9]+)/fjern/$", views.item_remove, name="item_remove"),
    path("<int:plan_pk>/deltakere/ny/", views.participant_add, name="participant_add"),
    path("deltaker/<int:pk>/fjern/", views.participant_remove, name="participant_remove"),
    path("<int:plan_pk>/tiltak/nytt/", views.measure_create, name="measure_create"),
    path("tiltak/<int:pk>/endre/", views.measure_edit, name="measure_edit"),
    path("tiltak/<int:pk>/status/", views.measure_status, name="measure_status"),
    path("tiltak/<int:pk>/kommentar/", views.measure_comment, name="measure_comment"),
    path("<int:plan_pk>/evaluering/ny-dato/", views.evaluation_date_add, name="evaluation_date_add"),
    path("evaluering/<int:pk>/", views.evaluation_record, name="evaluation_record"),
    path("<int:plan_pk>/forventningsavklaring/", views.clarification_edit, name="clarification_edit"),
    path("<int:plan_pk>/forventningsavklaring/signer/", views.clarification_sign, name="clarification_sign"),
    path("<int:plan_pk>/godkjenn/", views.plan_approve, name="plan_approve"),
    path("<int:plan_pk>/versjoner/", views.plan_versions, name="versions"),
    path("<int:plan_pk>/versjoner/<int:number>/", views.version_detail, name="version_detail"),
    path("<int:plan_pk>/pdf/", views.plan_pdf, name="plan_pdf"),
]

from django.urls import include, path

from . import views

app_name = "transitions"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("familie/<int:family_pk>/", include([
        path("", views.family, name="family"),
        path("tidslinje/", views.family_timeline, name="timeline"),
        path("ny-plan/", views.plan_open, name="plan_open"),
        path("sammendrag/", views.family_summary, name="summary"),
        path("overlevering/ny/", views.handover_new, name="handover_new"),
        path("flytting/", views.move, name="move"),
        path("flytting/eksport/", views.move_export, name="move_export"),
        path("flytting/svar/", views.move_answer, name="move_answer"),
        path("flytting/<int:move_proposal_pk>/papir/", views.move_paper, name="move_paper"),
        path("flytting/<int:move_proposal_pk>/trekk-tilbake/", views.move_withdraw, name="move_withdraw"),
    ])),
    path("plan/<int:transition_plan_pk>/", include([
        path("", views.plan, name="plan"),
        path("endre/", views.plan_edit, name="plan_edit"),
        path("barnets-stemme/", views.child_view, name="child_view"),
        path("sjekkliste/ny/", views.checklist_add, name="checklist_add"),
        path("oppgave/ny/", views.task_add, name="task_add"),
        path("mote/", views.meeting, name="meeting"),
        path("avslutt/", views.plan_close, name="plan_close"),
        path("gjenapne/", views.plan_reopen, name="plan_reopen"),
    ])),
    path("sjekkpunkt/<int:checklist_item_pk>/", views.checklist_toggle, name="checklist_toggle"),
    path("oppgave/<int:transition_task_pk>/utfort/", views.task_done, name="task_done"),
    path("overlevering/<int:handover_summary_pk>/", views.handover_detail, name="handover"),
    path("overlevering/<int:handover_summary_pk>/pdf/", views.handover_pdf, name="handover_pdf"),
    path("enhet/", views.unit, name="unit"),
    path("enhet/importer/", views.unit_import, name="import"),
    path("enhet/importer/forhandsvisning/", views.unit_import_preview, name="import_preview"),
    path("enhet/importer/bekreft/", views.unit_import_confirm, name="import_confirm"),
    path("enhet/importer/avbryt/", views.unit_import_cancel, name="import_cancel"),
    path("innstillinger/", views.settings_page, name="settings"),
]

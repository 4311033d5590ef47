from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("familie/<int:family_pk>/", views.family_meetings, name="family_meetings"),
    path("familie/<int:family_pk>/medlemmer/ny/", views.member_add, name="member_add"),
    path("familie/<int:family_pk>/nytt-mote/", views.meeting_new, name="new"),
    path("familie/<int:family_pk>/kontakt/", views.contact_log, name="contact_log"),
    path("kontakt/<int:pk>/fulgt-opp/", views.contact_followed_up, name="contact_followed_up"),
    path("medlemmer/<int:pk>/avslutt/", views.member_leave, name="member_leave"),
    path("medlemmer/<int:pk>/angre/", views.member_undo_leave, name="member_undo_leave"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/endre/", views.meeting_edit, name="edit"),
    path("<int:pk>/avlys/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/invitasjon.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/saksliste/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/referat/", views.minutes_page, name="minutes"),
    path("<int:pk>/referat/oppmote/", views.minutes_attendance, name="minutes_attendance"),
    path("<int:pk>/referat/beslutning/", views.minutes_decision, name="minutes_decision"),
    path("<int:pk>/referat/oppgave/", views.minutes_action, name="minutes_action"),
    path("<int:pk>/referat/lagre/", views.minutes_autosave, name="minutes_autosave"),
    path("<int:pk>/referat/godkjenn/", views.minutes_approve, name="minutes_approve"),
    path("beslutning/<int:pk>/til-plan/", views.decision_to_measure, name="decision_to_measure"),
    path("mine-oppgaver/", views.my_actions, name="my_actions"),
    path("oppgaver/<int:pk>/utfort/", views.action_done, name="action_done"),
    path("kalender/", views.calendar, name="calendar"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="feed"),
]

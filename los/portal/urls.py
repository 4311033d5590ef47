from django.urls import path

from los.portal import views

app_name = "portal"

urlpatterns = [
    path("<int:family_pk>/", views.overview, name="overview"),
    path("<int:family_pk>/var-historie/", views.story, name="story"),
    path("<int:family_pk>/meldinger/", views.message_thread, name="messages"),
    path("<int:family_pk>/sosken-og-pararende/", views.needs, name="needs"),
    path("meldinger/vedlegg/<int:message_pk>/", views.attachment, name="attachment"),
    path("<int:family_pk>/last-ned/", views.download, name="download"),
]

from django.urls import path

from los.api import views
from los.api.api import api

app_name = "api"

urlpatterns = [
    path("docs", views.docs, name="docs"),
    *api.urls[0],
]

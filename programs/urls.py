from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("colleagues/", views.colleagues, name="colleagues"),
    path("leaders/", views.leaders, name="leaders"),
    path("confidentiality/", views.confidentiality, name="confidentiality"),
]

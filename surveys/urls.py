from django.urls import path

from . import views

app_name = "surveys"

# The fixed paths first: a link's token is 43 characters and never one of these words.
urlpatterns = [
    path("survey/feedback/", views.feedback, name="feedback"),
    path("survey/awareness/", views.awareness, name="awareness"),
    path("survey/thanks/", views.thanks, name="thanks"),
    path("survey/<str:token>/", views.invited, name="invited"),
]

from django.urls import path

from . import views
from .groups import polls
from .groups import views as groups

app_name = "surveys"

# The fixed paths first: a link's token is 43 characters and never one of these words.
urlpatterns = [
    path("survey/feedback/", views.feedback, name="feedback"),
    path("survey/awareness/", views.awareness, name="awareness"),
    path("survey/thanks/", views.thanks, name="thanks"),
    path("survey/<str:token>/", views.invited, name="invited"),
    # Drop-in groups: the public schedule and its calendar files, the facilitator's pages.
    path("groups/upcoming/", groups.schedule, name="group_schedule"),
    path("groups/upcoming.ics", groups.feed, name="group_feed"),
    path(
        "groups/upcoming/<uuid:public_id>.ics",
        groups.session_calendar,
        name="group_session_calendar",
    ),
    path("groups/", groups.facilitator, name="facilitator"),
    path("groups/<uuid:public_id>/", groups.facilitator_session, name="facilitator_session"),
    path("groups/<uuid:public_id>/results.json", groups.live_results, name="live_results"),
    path("polls/<str:code>/", polls.poll, name="poll"),
]

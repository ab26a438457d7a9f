"""The roster's pages, mounted at the site's root with their full paths.

`portal/profile/` is a specific path so that the matching app can own the rest of
`/portal/` (its include must come after this one).
"""

from django.urls import path

from . import views

app_name = "supporters"

urlpatterns = [
    path("supporters/", views.supporter_list, name="list"),
    path("portal/profile/", views.profile, name="profile"),
]

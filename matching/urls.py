"""The supporter portal: `/portal/` and one contact at `/portal/contacts/<uuid>/`.

`/portal/profile/` belongs to supporters and is matched first (its include comes first).
"""

from django.urls import path

from .portal import direct, views

app_name = "matching"

urlpatterns = [
    path("portal/", views.portal, name="portal"),
    path("portal/debrief/", views.debrief, name="debrief"),
    path("portal/contacts/<uuid:public_id>/", views.contact, name="contact"),
    path("portal/direct/", direct.direct, name="direct"),
    path("portal/direct/<uuid:public_id>/", direct.direct_entry, name="direct_entry"),
]

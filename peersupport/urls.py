"""The site's URLs. Paths carry no language prefix and no identifiers (CONTRACT.md)."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from . import views

admin.site.site_header = admin.site.site_title = "Peer Support administration"
admin.site.index_title = "Program administration"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # One way in for everyone: the admin's own login page sends people to ours.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
        name="admin-login-redirect",
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    # /supporters/ and /portal/profile/: before any future "portal/" include.
    path("", include("supporters.urls")),
    path("", include("matching.urls")),
    path("", include("intake.urls")),
    path("", include("surveys.urls")),
    path("", include("programs.urls")),
]

handler400 = "peersupport.views.bad_request"
handler403 = "peersupport.views.permission_denied"
handler404 = "peersupport.views.page_not_found"
handler500 = "peersupport.views.server_error"

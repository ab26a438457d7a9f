"""The site's URLs. Paths carry no language prefix and no identifiers (CONTRACT.md)."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as accounts_views

from . import views

admin.site.site_header = admin.site.site_title = _("Peer Support administration")
admin.site.index_title = _("Program administration")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("healthz/full", views.healthz_full, name="healthz-full"),
    # One way in for everyone: the admin's own login page sends people to ours, and a
    # signed-in supporter or lead to a 403 with a link home (not round in a loop).
    path("admin/login/", accounts_views.admin_login, name="admin-login-redirect"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    # /supporters/ and /portal/profile/: before any future "portal/" include.
    path("", include("supporters.urls")),
    path("", include("matching.urls")),
    path("", include("intake.urls")),
    path("", include("surveys.urls")),
    path("", include("reports.urls")),
    path("", include("programs.urls")),
]

handler400 = "peersupport.views.bad_request"
handler403 = "peersupport.views.permission_denied"
handler404 = "peersupport.views.page_not_found"
handler500 = "peersupport.views.server_error"

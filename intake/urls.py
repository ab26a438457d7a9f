from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("request/", views.self_referral, name="request"),
    path("refer/", views.colleague_referral, name="refer"),
    path("request/sent/", views.thanks, name="thanks"),
    path("referral/<str:token>/", views.referral, name="referral"),
]

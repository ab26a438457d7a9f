"""The roster's pages: "my profile" for a supporter, and the public list."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.access import supporter_required
from programs.program import current

from .access import own_supporter
from .forms import ProfileForm
from .selectors import availability_of, listed_supporters, training_of
from .services import update_own_profile


@supporter_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """Show and edit the signed-in supporter's own profile (there is no id to change)."""
    _user, supporter = own_supporter(request)
    today = current().today()
    form = ProfileForm(request.POST or None, instance=supporter, today=today)
    if request.method == "POST" and form.is_valid():
        update_own_profile(
            supporter=supporter,
            **{name: form.cleaned_data[name] for name in ProfileForm.Meta.fields},
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("supporters:profile")
    if request.method == "POST":
        # The form has changed the instance in memory; the summary shows what is saved.
        supporter.refresh_from_db()
    return render(
        request,
        "supporters/profile.html",
        {
            "form": form,
            "supporter": supporter,
            "availability": availability_of(supporter, today=today),
            "training": training_of(supporter, today=today),
        },
    )


@require_safe
def supporter_list(request: HttpRequest) -> HttpResponse:
    """List the supporters who opted in, each with whether they take new requests today."""
    supporters = listed_supporters(today=current().today())
    return render(request, "supporters/list.html", {"supporters": supporters})

"""One way to lay out a form with crispy-forms: the page draws the `<form>` tag itself."""

from typing import TYPE_CHECKING, Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise as Text
else:
    Text = str


def form_helper(
    *sections: Any,
    submit: Text,
    submit_name: str = "submit",
    submit_class: str = "",
    with_csrf: bool = True,
) -> FormHelper:
    """Return a helper for a form whose template writes the `<form>` tag.

    With `sections`, they are the layout and the submit button ends it; without, every
    field is shown in order, then the button. `with_csrf=False` is for a page holding
    several forms, whose token is written once by the page.
    """
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = not with_csrf
    button = Submit(submit_name, submit, css_class=submit_class)
    if sections:
        helper.layout = Layout(*sections, button)
    else:
        helper.add_input(button)
    return helper

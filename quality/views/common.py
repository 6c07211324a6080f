"""What the quality pages share: permission checks, service errors on forms, panels of steps."""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import NoReverseMatch, reverse

view_sheet_required = permission_required("quality.view_qualitysheet", raise_exception=True)
view_capa_required = permission_required("quality.view_capaaction", raise_exception=True)


def quality_view_required(view):
    """Let in those who see sheets or actions, and the owners of an action; refuse everyone else with 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        from ..models import CapaAction

        user = request.user
        sees = user.has_perm("quality.view_qualitysheet") or user.has_perm("quality.view_capaaction")
        if not (sees or CapaAction.objects.filter(owner=user).exists()):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def capa_access_required(view):
    """Let in those who may view actions and the owners of an action (who need no quality role); 403 otherwise."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        from ..models import CapaAction

        user = request.user
        if not (user.has_perm("quality.view_capaaction") or CapaAction.objects.filter(owner=user).exists()):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def add_service_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on ``form``: on its field where one matches, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for item in error.error_list:
        field = form.error_fields.get(item.code)
        form.add_error(field if field in form.fields else None, item)


def optional_url(name: str, *args) -> str:
    """Return the URL of ``name``, or "" while the page is not wired up."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@dataclass
class Panel:
    """One step the user may take now: its button, its form and where the form posts."""

    name: str
    label: str
    style: str
    form: object
    url: str
    open: bool = False


def panels(steps, allowed, forms, *, record, user, url_prefix, args, bound=None) -> list[Panel]:
    """Return the panels of the ``allowed`` steps in the order of ``steps``; ``bound`` comes back open.

    Step ``name`` posts to the URL named ``quality:<url_prefix>_<name>``.
    """
    result = []
    for name, label, style in steps:
        if name not in allowed:
            continue
        is_bound = bound is not None and bound.action == name and bound.prefix == name
        form = bound if is_bound else forms[name](record=record, user=user)
        result.append(Panel(name, label, style, form, reverse(f"quality:{url_prefix}_{name}", args=args), is_bound))
    return result

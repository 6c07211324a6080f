"""What a salesperson sees is only theirs: every URL pattern of the project, walked as each role.

The URLconf is resolved recursively and each pattern is filled from the registry in
``scope_registry`` with the ids of both salespeople's records (and of a sheet they share),
so a page added without registering it fails here. Logged in as ``sales``, no response
(page, htmx fragment, download, print, xlsx export, redirect) may carry any marker of
``sales2``'s records; the same walk as each role may never end in a server error, and
the roles that see every customer do see ``sales2``'s.
"""

import io
import zipfile
from importlib import import_module
from importlib.util import find_spec

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic import RedirectView

from aftersales import roles

from .scope_data import build_world
from .scope_registry import EXCLUDED_NAMESPACES, REGISTRY

SIDES = ("mine", "theirs", "shared")


def _load_app_registrations() -> None:
    for config in apps.get_app_configs():
        module = f"{config.name}.tests.scope_urls"
        if config.name.count(".") == 0 and find_spec(f"{config.name}.tests") and find_spec(module):
            import_module(module)


_load_app_registrations()


def url_patterns(patterns=None, namespaces=()):
    """Yield (full name, route, parameter names, namespaces) of every URL pattern, following includes.

    Unnamed plain redirects (an old address kept working) are left out: they show no records
    of their own, and :func:`redirects` checks that the page each leads to is walked.
    """
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from url_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and _redirect_target(entry) is None:
            params = list(getattr(entry.pattern, "converters", {})) or list(entry.pattern.regex.groupindex)
            name = ":".join((*namespaces, entry.name)) if entry.name else f"<unnamed {entry.pattern}>"
            yield name, str(entry.pattern), params, namespaces


def _redirect_target(entry) -> str | None:
    """Return the pattern an unnamed ``RedirectView(pattern_name=...)`` leads to; None for any other pattern."""
    view_class = getattr(entry.callback, "view_class", None)
    if entry.name or view_class is None or not issubclass(view_class, RedirectView):
        return None
    return entry.callback.view_initkwargs.get("pattern_name") or ""


def redirects(patterns=None, prefix=""):
    """Yield (route, target pattern name) of every unnamed plain redirect outside the excluded namespaces."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace not in EXCLUDED_NAMESPACES:
                yield from redirects(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and (target := _redirect_target(entry)) is not None:
            yield prefix + str(entry.pattern), target


def walked_patterns():
    return [p for p in url_patterns() if not (p[3] and p[3][0] in EXCLUDED_NAMESPACES)]


def response_text(response) -> str:
    """Return everything a response tells the client: headers, body, streamed files and xlsx sheets."""
    # The test client closes the response once a streamed body is read (and a plain one at
    # once); closing it here would close the database connection of the module's data set.
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    headers = " ".join(f"{key}: {value}" for key, value in response.headers.items())
    if body.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            xml = [book.read(name).decode() for name in book.namelist() if name.endswith(".xml")]
        return headers + "\n" + "\n".join(xml)
    return headers + "\n" + body.decode(errors="replace")


def requests_for(world, name, sides=SIDES):
    """Return the distinct (url, query, htmx) GETs of the pattern ``name`` for the given sides."""
    fill = REGISTRY[name]
    seen, result = set(), []
    for side in sides:
        records = getattr(world, side)
        url = reverse(name, kwargs=fill.kwargs(records))
        query = fill.query(records)
        for htmx in (False, True) if fill.htmx else (False,):
            key = (url, tuple(sorted(query.items())), htmx)
            if key not in seen:
                seen.add(key)
                result.append((url, query, htmx))
    return result


def walk(client, world, sides=SIDES):
    """GET every registered pattern; yield (name, url, status, text)."""
    for name, _route, _params, _ns in walked_patterns():
        for url, query, htmx in requests_for(world, name, sides):
            extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
            response = client.get(url, query, **extra)
            yield (
                name,
                url + (f"?{query}" if query else "") + (" (htmx)" if htmx else ""),
                response.status_code,
                (response_text(response)),
            )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Build the two salespeople's records once for the module; roll them back at its end."""
    folder = tmp_path_factory.mktemp("scope-private")
    with django_db_blocker.unblock(), override_settings(PRIVATE_MEDIA_ROOT=str(folder)):
        with transaction.atomic():
            yield build_world()
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def sales_walk(world):
    """Walk every pattern once as ``sales``: [(name, url, status, text)]."""
    client = Client()
    client.force_login(world.sales)
    return list(walk(client, world))


def test_every_url_pattern_is_registered_with_how_to_fill_it():
    names = {name for name, *_rest in walked_patterns()}
    missing = sorted(names - REGISTRY.keys())
    assert not missing, (
        f"URL patterns the scope test cannot fill: {missing}. Register each in aftersales/tests/scope_registry.py "
        "(or <app>/tests/scope_urls.py) with how to fill its path parameters from a salesperson's records."
    )
    stale = sorted(REGISTRY.keys() - names)
    assert not stale, f"Registered URL patterns that no longer exist: {stale}; remove them from the registry."


def test_every_unnamed_redirect_leads_to_a_walked_page():
    unwalked = sorted(f"{route} → {target or '?'}" for route, target in redirects() if target not in REGISTRY)
    assert not unwalked, f"Redirects to pages the scope test does not walk: {unwalked}"


def test_sales_never_sees_a_marker_of_another_salespersons_records(db, world, sales_walk):
    assert len(sales_walk) > len(REGISTRY)
    leaks = [
        f"{url} ({name}) shows {marker!r}"
        for name, url, _status, text in sales_walk
        for marker in world.theirs.markers
        if marker in text
    ]
    assert not leaks, "\n".join(leaks)
    errors = [f"{url}: {status}" for _name, url, status, _text in sales_walk if status >= 500]
    assert not errors


# The pages where a salesperson's own records must show: the walk above cannot pass by
# showing nothing.
OWN_PAGES = {
    "customers:detail": ("customer.name", "customer.code"),
    "customers:contacts": ("contact.name",),
    "customers:deliveries": ("delivery.serial_number", "delivery.batch_number"),
    "customers:interactions": ("interaction.summary",),
    "complaints:list": ("complaint.number",),
    "complaints:detail": ("complaint.title", "attachment.original_name"),
    "complaints:attachment": ("attachment.original_name",),
    "servicing:visit_detail": ("visit.place",),
    "servicing:visit_print": ("visit.place",),
    "servicing:return_list": ("return_record.reason",),
    "servicing:follow_up_list": ("follow_up.remarks",),
    "servicing:property_list": ("customer_property.number",),
    "servicing:property_detail": ("customer_property.description", "property_photo.original_name"),
    "servicing:customer_property": ("customer_property.number",),
    "servicing:unit_history": ("complaint.number", "customer_property.number", "return_record.reason"),
    "quality:workbench": ("sheet.number",),
    "quality:sheet_detail": ("sheet.title", "customer.name", "common_unit.serial_number", "task.requirement"),
    "quality:sheet_file": ("sheet_file.original_name",),
    "quality:sheet_print": ("sheet.title", "customer.name", "linked_complaint.number"),
    "quality:eightd": ("sheet.title", "customer.name", "linked_complaint.number"),
    "quality:capa_list": ("action.number",),
    "quality:capa_detail": ("action.problem", "action.planned_action", "customer.name"),
}


def _value(records, path):
    for part in path.split("."):
        records = getattr(records, part)
    return records


@pytest.mark.parametrize("name", sorted(OWN_PAGES))
def test_sales_see_their_own_records_where_they_belong(db, world, sales_walk, name):
    mine = {url for url, *_rest in requests_for(world, name, ("mine",))}
    texts = [text for page, url, status, text in sales_walk if page == name and url.split("?")[0] in mine]
    assert texts, f"{name} was not walked"
    for path in OWN_PAGES[name]:
        expected = _value(world.mine, path)
        assert any(expected in text for text in texts), f"{name} does not show the user's own {path} ({expected})"


def test_on_a_shared_sheet_sales_see_their_own_complaint_and_a_count_of_the_others(db, world, sales_walk):
    url = reverse("quality:sheet_detail", args=[world.shared.sheet.number])
    (page,) = [text for _name, walked, _status, text in sales_walk if walked == url]
    assert world.shared.mine_complaint.number in page
    assert 'data-testid="other-complaints"' in page and 'data-testid="customer-hidden"' in page


def test_the_admin_is_closed_to_sales(db, world):
    client = Client()
    client.force_login(world.sales)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response.url


ALL_CUSTOMERS = [code for code in roles.ALL if code not in (roles.SALES,)]


@pytest.mark.parametrize("role", roles.ALL)
def test_every_role_walks_every_page_without_a_server_error(db, world, role):
    user = world.users[role]
    client = Client()
    client.force_login(user)
    walked = list(walk(client, world, ("theirs",)))
    errors = [f"{url}: {status}" for _name, url, status, _text in walked if status >= 500]
    assert not errors, "\n".join(errors)
    if user.has_perm("customers.view_all_customers"):
        # Those who see every customer do see the other salesperson's (the walk is not vacuous).
        seen = "\n".join(text for *_rest, text in walked)
        for marker in (world.theirs.customer.name, world.theirs.delivery.serial_number):
            assert marker in seen, f"{role} never sees {marker}"
    if user.has_perm("quality.view_qualitysheet") and user.has_perm("complaints.view_all_complaints"):
        page = client.get(reverse("quality:sheet_detail", args=[world.theirs.sheet.number])).content.decode()
        assert world.theirs.sheet.title in page and world.theirs.customer.name in page

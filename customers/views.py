from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aftersales.keyset import query_without_page

from . import selectors, serial_links, services
from .annotations import annotate_deliveries
from .forms import ContactForm, CustomerForm, DeliveryForm, InteractionForm
from .permissions import can_edit
from .tabs import customer_tabs

view_required = permission_required("customers.view_customer", raise_exception=True)


@login_required
@view_required
def customer_list(request):
    customer_filter, customers = selectors.customer_list(user=request.user, params=request.GET)
    page = selectors.paginate(customers, request.GET)
    context = {
        "filter": customer_filter,
        "page": page,
        "query": query_without_page(request),
        "serial_links": serial_links.links_for(request.user, request.GET.get("q", "")),
    }
    template = "customers/_customer_table.html" if request.htmx else "customers/customer_list.html"
    return render(request, template, context)


@login_required
@permission_required("customers.add_customer", raise_exception=True)
@require_http_methods(["GET", "POST"])
def customer_create(request):
    form = CustomerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        customer = services.customer_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
        return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form})


@login_required
@view_required
@require_http_methods(["GET", "POST"])
def customer_edit(request, pk):
    customer = selectors.customer_get(user=request.user, pk=pk)
    if not can_edit(request.user, customer):
        raise PermissionDenied
    form = CustomerForm(request.POST or None, instance=customer, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.customer_update(actor=request.user, customer=customer, **form.cleaned_data)
        messages.success(request, _("Customer saved."))
        return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": customer})


@login_required
@view_required
def customer_detail(request, pk):
    customer = selectors.customer_get(user=request.user, pk=pk)
    tabs = customer_tabs(request.user)
    keys = [tab.key for tab in tabs]
    active = request.GET.get("tab") if request.GET.get("tab") in keys else next(iter(keys), None)
    context = {
        "customer": customer,
        "tabs": tabs,
        "active_tab": active,
        "can_edit": can_edit(request.user, customer),
        "can_log": can_edit(request.user, customer, "customers.add_interaction"),
        "interaction_form": InteractionForm(customer=customer),
        "primary_contact": next(iter(selectors.customer_contacts(customer).filter(is_primary=True)), None),
    }
    return render(request, "customers/customer_detail.html", context)


def _tab(request, pk, template, rows, annotate=None, **extra):
    customer = selectors.customer_get(user=request.user, pk=pk)
    page = selectors.paginate(rows(customer), request.GET, selectors.TAB_PAGE_SIZE)
    if annotate is not None:
        annotate(request.user, page.object_list)
    context = {"customer": customer, "page": page, **extra}
    context["can_edit"] = can_edit(request.user, customer, extra.get("edit_perm", "customers.change_customer"))
    return render(request, template, context)


@login_required
@view_required
@permission_required("customers.view_contact", raise_exception=True)
def contacts_tab(request, pk):
    return _tab(
        request, pk, "customers/tabs/contacts.html", selectors.customer_contacts, edit_perm="customers.change_contact"
    )


@login_required
@view_required
@permission_required("customers.view_delivery", raise_exception=True)
def deliveries_tab(request, pk):
    return _tab(
        request,
        pk,
        "customers/tabs/deliveries.html",
        selectors.customer_deliveries,
        annotate=annotate_deliveries,
        edit_perm="customers.change_delivery",
    )


@login_required
@view_required
@permission_required("customers.view_interaction", raise_exception=True)
def interactions_tab(request, pk):
    return _tab(
        request,
        pk,
        "customers/tabs/interactions.html",
        selectors.customer_interactions,
        edit_perm="customers.add_interaction",
    )


def _child_form(request, pk, *, form_class, perm, save, title, child=None, tab):
    customer = selectors.customer_get(user=request.user, pk=pk)
    if not can_edit(request.user, customer, perm):
        raise PermissionDenied
    form = form_class(request.POST or None, instance=child)
    if request.method == "POST" and form.is_valid():
        save(actor=request.user, customer=customer, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect(f"{customer.get_absolute_url()}?tab={tab}")
    return render(request, "customers/child_form.html", {"form": form, "customer": customer, "title": title})


@login_required
@view_required
@require_http_methods(["GET", "POST"])
def contact_add(request, pk):
    return _child_form(
        request,
        pk,
        form_class=ContactForm,
        perm="customers.add_contact",
        save=services.contact_save,
        title=_("New contact"),
        tab="contacts",
    )


@login_required
@view_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk, contact_pk):
    contact = get_object_or_404(
        selectors.customer_contacts(selectors.customer_get(user=request.user, pk=pk)), pk=contact_pk
    )

    def save(**kwargs):
        return services.contact_save(contact=contact, **kwargs)

    return _child_form(
        request,
        pk,
        form_class=ContactForm,
        perm="customers.change_contact",
        save=save,
        title=_("Edit contact"),
        child=contact,
        tab="contacts",
    )


@login_required
@view_required
@require_http_methods(["GET", "POST"])
def delivery_add(request, pk):
    return _child_form(
        request,
        pk,
        form_class=DeliveryForm,
        perm="customers.add_delivery",
        save=services.delivery_save,
        title=_("New delivery"),
        tab="deliveries",
    )


@login_required
@view_required
@require_http_methods(["GET", "POST"])
def delivery_edit(request, pk, delivery_pk):
    delivery = get_object_or_404(
        selectors.customer_deliveries(selectors.customer_get(user=request.user, pk=pk)), pk=delivery_pk
    )

    def save(**kwargs):
        return services.delivery_save(delivery=delivery, **kwargs)

    return _child_form(
        request,
        pk,
        form_class=DeliveryForm,
        perm="customers.change_delivery",
        save=save,
        title=_("Edit delivery"),
        child=delivery,
        tab="deliveries",
    )


@login_required
@view_required
@require_http_methods(["POST"])
def interaction_add(request, pk):
    """Log a call from the detail page; htmx swaps in the form again or the new register."""
    customer = selectors.customer_get(user=request.user, pk=pk)
    if not can_edit(request.user, customer, "customers.add_interaction"):
        raise PermissionDenied
    form = InteractionForm(request.POST, customer=customer)
    if form.is_valid():
        services.interaction_log(actor=request.user, customer=customer, **form.cleaned_data)
        messages.success(request, _("Interaction logged."))
        if request.htmx:
            response = render(
                request,
                "customers/_interaction_form.html",
                {"customer": customer, "interaction_form": InteractionForm(customer=customer), "logged": True},
            )
            response["HX-Trigger"] = "interactionLogged"
            return response
        return redirect(f"{customer.get_absolute_url()}?tab=interactions")
    status = 422 if request.htmx else 200
    template = "customers/_interaction_form.html" if request.htmx else "customers/interaction_form_page.html"
    return render(request, template, {"customer": customer, "interaction_form": form}, status=status)

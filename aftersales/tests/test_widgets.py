"""FastSelect gives the markup of Django's Select, without a template per option."""

import datetime
import re

import pytest
from django import forms

from aftersales.widgets import FastDateInput, FastSelect, FastTextInput

CHOICES = [("", "---------"), ("a", "Alpha"), ("b&c", 'B "and" <C>'), (3, "三")]


def _squeeze(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


@pytest.mark.parametrize("value", [None, "", "a", "b&c", "3", "missing"])
@pytest.mark.parametrize("attrs", [{"id": "id_x"}, {"id": "id_x", "required": True, "class": "form-select"}])
def test_fast_select_renders_what_djangos_select_renders(value, attrs):
    fast, plain = FastSelect(choices=CHOICES), forms.Select(choices=CHOICES)
    assert _squeeze(fast.render("x", value, attrs)) == _squeeze(plain.render("x", value, attrs))


def test_fast_select_escapes_labels_and_values_and_marks_the_chosen_one():
    rendered = FastSelect(choices=CHOICES).render("x", "b&c", {"id": "id_x"})
    assert '<option value="b&amp;c" selected>B &quot;and&quot; &lt;C&gt;</option>' in rendered


def test_grouped_choices_are_left_to_django():
    grouped = [("Group <1>", [("a", "A")]), ("b", "B")]
    fast, plain = FastSelect(choices=grouped), forms.Select(choices=grouped)
    assert fast.render("x", "a") == plain.render("x", "a")
    assert "optgroup" in fast.render("x", "a")


class DateInput(forms.DateInput):
    input_type = "date"


@pytest.mark.parametrize("value", [None, "", "C00012", 'a "quoted" <b> & c', 12, datetime.date(2026, 11, 30)])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_q"}, {"id": "id_q", "placeholder": "编号、客户 & 序列号", "required": True, "disabled": False}],
)
@pytest.mark.parametrize("fast, plain", [(FastTextInput, forms.TextInput), (FastDateInput, DateInput)])
def test_fast_inputs_render_what_djangos_inputs_render(fast, plain, value, attrs):
    assert fast().render("q", value, attrs) == plain().render("q", value, attrs)

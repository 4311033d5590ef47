"""los.core.forms.DescribedInputs: the class on every visible input, and help and error linked to it."""

from django import forms

from los.core.forms import DescribedInputs


class _Form(DescribedInputs, forms.Form):
    name = forms.CharField(help_text="Your name")
    note = forms.CharField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def test_visible_inputs_are_styled_and_help_is_linked_by_the_field_name():
    form = _Form()
    assert form.fields["name"].widget.attrs == {"class": "ds-input", "aria-describedby": "name-help"}
    assert form.fields["note"].widget.attrs == {"class": "ds-input"}
    assert "class" not in form.fields["version"].widget.attrs


def test_an_error_marks_the_input_and_is_named_after_the_help_once():
    form = _Form(data={"name": ""})
    assert not form.is_valid()
    form.full_clean()
    attrs = form.fields["name"].widget.attrs
    assert attrs["aria-invalid"] == "true"
    assert attrs["aria-describedby"] == "name-help name-error"
    assert "aria-invalid" not in form.fields["note"].widget.attrs


def test_the_error_first_and_ids_from_the_input_id_when_the_form_says_so():
    class ErrorFirst(_Form):
        error_first = True
        message_ids_from_auto_id = True

    form = ErrorFirst(data={"name": ""})
    assert not form.is_valid()
    assert form.fields["name"].widget.attrs["aria-describedby"] == "id_name-error id_name-help"

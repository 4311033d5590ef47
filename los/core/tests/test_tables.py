"""The table frame (`{% table %}` in los.core.templatetags.los_tables): the scroll container, caption and headings."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation


def render(source: str, **context) -> str:
    return Template("{% load los_tables %}" + source).render(Context(context))


def test_a_table_is_named_by_its_caption_and_can_be_scrolled_with_the_keyboard():
    html = render('{% table "Open actions" "What" "Who" %}<tr><th scope="row">Call</th><td>Kari</td></tr>{% endtable %}')
    assert '<div class="los-table-wrap" tabindex="0" role="region" aria-label="Open actions">' in html
    assert '<table class="ds-table" data-border>' in html
    assert '<caption class="ds-sr-only">Open actions</caption>' in html
    assert '<thead><tr><th scope="col">What</th><th scope="col">Who</th></tr></thead>' in html
    assert '<tbody><tr><th scope="row">Call</th><td>Kari</td></tr></tbody>' in html
    assert html.rstrip().endswith("</table>\n</div>")


def test_caption_and_headings_are_translated_and_escaped():
    with translation.override("nb"):
        html = render('{% table caption _("Due date") %}{% endtable %}', caption="<b>Mine & andres</b>")
    assert 'aria-label="&lt;b&gt;Mine &amp; andres&lt;/b&gt;"' in html
    assert '<th scope="col">Frist</th>' in html
    assert "<b>" not in html


def test_the_options_name_the_region_another_way_or_leave_it_out():
    labelled = render('{% table "Families found" "Family" labelledby="found" caption_id="found" classes="x y" %}{% endtable %}')
    assert 'role="region" aria-labelledby="found"' in labelled
    assert '<caption class="ds-sr-only" id="found">' in labelled
    assert '<table class="ds-table x y" data-border>' in labelled
    focusable = render('{% table "By week" "Week" wrap="focusable" visible_caption=True size="sm" %}{% endtable %}')
    assert '<div class="los-table-wrap" tabindex="0">' in focusable
    assert '<table class="ds-table" data-border data-size="sm">' in focusable
    assert "<caption>By week</caption>" in focusable
    plain = render('{% table "Families" "Family" wrap="plain" %}{% endtable %}')
    assert '<div class="los-table-wrap">' in plain


def test_without_headings_the_body_writes_its_own_head():
    html = render('{% table "Members" %}<thead><tr><th scope="col">Name</th></tr></thead><tbody></tbody>{% endtable %}')
    assert "<thead><tr><th scope=\"col\">Name</th></tr></thead><tbody></tbody>" in html
    assert html.count("<thead>") == 1


def test_a_wrong_frame_is_an_error_at_once():
    with pytest.raises(TemplateSyntaxError):
        render('{% table "Families" wrap="scrolling" %}{% endtable %}')
    with pytest.raises(TemplateSyntaxError):
        Template("{% load los_tables %}{% table %}{% endtable %}")
    with pytest.raises(TemplateSyntaxError):
        Template('{% load los_tables %}{% table "Families" labeledby="x" %}{% endtable %}')

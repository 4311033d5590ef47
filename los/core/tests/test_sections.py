"""A part of a page (`{% section %}` in los.core.templatetags.los_pages): a section named by its heading, and the
sentence shown in place of an empty list."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation


def render(source: str, **context) -> str:
    return Template("{% load los_pages %}" + source).render(Context(context))


def test_a_section_is_named_by_its_heading():
    html = render('{% section "Open actions" id="actions-heading" %}<p>Call the school</p>{% endsection %}')
    assert html.startswith('<section class="los-section" aria-labelledby="actions-heading">')
    assert '<h2 class="ds-heading" data-size="md" id="actions-heading">Open actions</h2>' in html
    assert "<p>Call the school</p>" in html
    assert html.endswith("</section>")


def test_the_heading_is_translated_and_escaped_and_the_content_is_not_escaped_twice():
    with translation.override("nb"):
        html = render('{% section _("Due date") id="h" %}{{ note }}{% endsection %}', note="Mor & far")
    assert ">Frist</h2>" in html
    assert "Mor &amp; far" in html and "&amp;amp;" not in html
    escaped = render('{% section heading id="h" %}{% endsection %}', heading="<b>Plan</b>")
    assert "&lt;b&gt;Plan&lt;/b&gt;" in escaped and "<b>" not in escaped


def test_size_classes_and_an_id_of_the_section_itself():
    html = render('{% section "Goals" id="goals-h" size="sm" classes="plan-goals wide" section_id="goals" %}'
                  '{% endsection %}')
    assert '<section class="los-section plan-goals wide" id="goals" aria-labelledby="goals-h">' in html
    assert 'data-size="sm" id="goals-h"' in html


def test_an_empty_list_shows_the_sentence_instead_of_the_content():
    source = ('{% section "Actions" id="a" items=actions empty="There are no open actions." %}'
              '<ul>{% for a in actions %}<li>{{ a }}</li>{% endfor %}</ul>{% endsection %}')
    empty = render(source, actions=[])
    assert '<p class="ds-paragraph">There are no open actions.</p>' in empty
    assert "<ul>" not in empty
    listed = render(source, actions=["Call the school"])
    assert "<li>Call the school</li>" in listed
    assert "There are no open actions." not in listed


@pytest.mark.parametrize(("source", "message"), [
    ('{% section "Goals" %}{% endsection %}', "needs an id"),
    ('{% section "Goals" id="g" colour="red" %}{% endsection %}', "is not one of the options"),
    ('{% section "Goals" id="g" items=goals %}{% endsection %}', "items and empty go together"),
    ('{% section id="g" %}{% endsection %}', "heading first"),
])
def test_a_section_written_wrong_is_refused_with_what_to_mend(source, message):
    with pytest.raises(TemplateSyntaxError, match=message):
        render(source)

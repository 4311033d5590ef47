"""A page's title written once is also its heading; a page whose heading differs says so."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

pytestmark = pytest.mark.django_db


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_the_base_shows_the_pages_title_as_its_heading():
    html = render('{% extends "core/page.html" %}{% block title %}Kalender & møter{% endblock %}'
                  '{% block page_content %}<p>innhold</p>{% endblock %}')
    assert '<h1 class="ds-heading" data-size="lg">Kalender & møter</h1>' in html
    assert "<title>Kalender & møter ·" in html


def test_a_page_whose_heading_is_not_its_title_keeps_its_own():
    html = render('{% extends "core/page.html" %}{% block title %}Kort{% endblock %}'
                  '{% block heading %}En lengre overskrift{% endblock %}')
    assert '<h1 class="ds-heading" data-size="lg">En lengre overskrift</h1>' in html
    assert "<title>Kort ·" in html


def test_a_family_page_that_gives_only_its_title_is_headed_by_it(client, world):
    client.force_login(world.coordinator)
    html = client.get(reverse("referrals:family_case", args=[world.family.pk])).content.decode()
    assert '<h1 class="ds-heading" data-size="lg">Søknad og vedtak</h1>' in html
    assert f"<title>Søknad og vedtak – {world.family.display_name}" in html

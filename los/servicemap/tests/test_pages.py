"""The pages in the three languages, the map's text alternatives, and the summary for other pages."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from los.servicemap import selectors, services
from los.servicemap.models import EntryState


@pytest.mark.parametrize(("language", "heading", "needs"), [
    ("nb", "Tjenester og søknader", "Behov uten eier"),
    ("nn", "Tenester og søknader", "Behov utan eigar"),
    ("en", "Services and applications", "Needs without an owner"),
])
def test_family_map_in_three_languages(client, sm, language, heading, needs):
    client.force_login(sm.coordinator)
    page = client.get(reverse("servicemap:family_map", args=[sm.family.pk]), HTTP_ACCEPT_LANGUAGE=language)
    text = page.content.decode()
    assert f'lang="{language}"' in text and heading in text and needs in text


def test_map_states_are_readable_without_colour(client, sm):
    for state in (EntryState.GRANTED, EntryState.REFUSED, EntryState.APPEALED):
        services.create_entry(sm.family, sm.coordinator, title=f"Tjeneste {state}", state=state)
    client.force_login(sm.coordinator)
    page = client.get(reverse("servicemap:family_map", args=[sm.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # every node carries its state as text and a symbol, and the sector as a heading
    assert page.count('class="sm-node__state"') == 4
    for label in ("Granted", "Refused", "Appealed", "Considered"):
        assert f'<span class="sm-node__state">{label}</span>' in page
    assert '<h3 class="ds-heading" data-size="2xs" id="sector-state">State and NAV' in page
    # and the same information as a table with a caption and header cells
    assert "<caption" in page and 'scope="col"' in page and 'scope="row"' in page


def test_summary_for_other_pages(sm):
    today = timezone.localdate()
    services.create_entry(sm.family, sm.coordinator, catalog_id="avlastning", state=EntryState.GRANTED,
                          period_to=today + timedelta(days=30))
    with translation.override("en"):
        html = render_to_string("servicemap/_summary.html",
                                {"family": sm.family, "summary": selectors.family_summary(sm.family)})
    assert "2 services" in html and "1 thing needs attention" in html and "Apply for renewal" in html

"""Forms of the family pages: naming a colleague who shares the work on the family."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from los.families.models import CoRole


class ColleagueForm(forms.Form):
    user = forms.ChoiceField(label=_("Colleague"), error_messages={"required": _("Choose a colleague.")})
    role = forms.ChoiceField(label=_("What they do"), choices=CoRole.choices, widget=forms.RadioSelect,
                             initial=CoRole.MINUTE_TAKER, error_messages={"required": _("Choose what they do.")})
    sees_working_notes = forms.BooleanField(
        label=_("A co-coordinator may read and write my working notes"), required=False,
        help_text=_("The working notes and the calls and conversations not shared with the family. Leave it unticked "
                    "unless they stand in for you."))

    def __init__(self, *args, candidates=(), may_share_notes: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("Choose …"))] + [
            (str(r.user_id), f"{r.user.get_full_name() or r.user.username}{f' ({r.title})' if r.title else ''}")
            for r in candidates]
        for bound in self:
            bound.field.widget.attrs.setdefault("class", "ds-input")
        if not may_share_notes:
            del self.fields["sees_working_notes"]

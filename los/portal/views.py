"""Pages of the family portal. Thin: load, authorize, call a selector or service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from los.access.guard import access, authorize
from los.access.models import Category
from los.access.policy import Action, can
from los.core.downloads import file_response
from los.core.forms import form_action
from los.core.i18n import page_language
from los.families.models import Family
from los.families.navigation import family_layout
from los.families.selectors import authorized_family, authorized_object
from los.portal import download as portal_download
from los.portal import selectors, services
from los.portal.forms import MessageForm, NeedsForm, StoryForm
from los.portal.models import FamilyStory, Message
from los.servicemap import uploads


@access("family")
@login_required
def overview(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = authorized_family(request, family_pk, Action.VIEW)
    # the navigation around the page (worked out once per request) already counts the family's new messages
    layout = family_layout(request, family)
    messages_url = reverse("portal:messages", args=[family.pk])
    unread = next((link.count for link in layout.links if link.url == messages_url), None) \
        if layout.family_side else None
    data = selectors.overview(family, request.user, page_language(), unread=unread)
    return render(request, "portal/overview.html", {
        "family": family, "o": data, "today": timezone.localdate(),
        "can_download": can(request.user, Action.EXPORT, family) and data.family_side,
    })


@access("family")
@login_required
@require_http_methods(["GET", "POST"])
def story(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = get_object_or_404(Family, pk=family_pk)
    instance = FamilyStory.objects.filter(family=family).first() or FamilyStory(
        family=family, municipality=family.municipality, version=0)
    probe = instance if instance.pk else FamilyStory(family=family, municipality=family.municipality)
    authorize(request, Action.VIEW, probe)
    if request.method == "POST":
        authorize(request, Action.CHANGE, probe)
    may_change = can(request.user, Action.CHANGE, probe)
    editing = may_change and (request.method == "POST" or request.GET.get("endre") == "1")
    form = None
    if editing and request.method == "POST":
        form = StoryForm(request.POST, instance=FamilyStory(family=family, municipality=family.municipality))
    elif editing:
        form = StoryForm(instance=instance, initial={"version": instance.version})

    def page(status: int) -> HttpResponse:
        # after a conflict the saved story is shown beside what this person wrote (which saving again keeps)
        saved = form.conflict.current if getattr(form, "conflict", None) else instance
        return render(request, "portal/story.html", {
            "family": family, "story": saved if saved.pk else None, "form": form, "may_change": may_change,
            "saved": saved if saved.pk else None,
        }, status=status)

    if form is None:
        return page(200)
    return form_action(
        request, form, lambda: services.save_story(family, request.user, _sent(form), form.cleaned_data["version"]),
        success=reverse("portal:story", args=[family.pk]), message=_("Our story is saved."), page=page)


def _sent(form: StoryForm) -> dict:
    """The parts of the story that the page sent: a part not sent at all is left as it is."""
    return {name: value for name, value in form.cleaned_data.items() if form.add_prefix(name) in form.data}


@access("family")
@login_required
@require_http_methods(["GET", "POST"])
def message_thread(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = authorized_family(request, family_pk, Action.VIEW, Category.MESSAGES)
    form = MessageForm()
    if request.method == "POST":
        authorize(request, Action.CONTRIBUTE, family, Category.MESSAGES)
        form = MessageForm(request.POST, request.FILES)

    def page(status: int) -> HttpResponse:
        thread = selectors.thread(family, request.user)
        services.mark_read(family, request.user)
        return render(request, "portal/messages.html", {
            "family": family, "thread": thread, "form": form,
            "participants": selectors.message_participants(family),
            "allowed_types": f"{uploads.allowed_types_text()}, {filesizeformat(uploads.max_upload_bytes())}",
        }, status=status)

    return form_action(
        request, form, lambda: services.send_message(family, request.user, form.cleaned_data["body"],
                                                     form.cleaned_data.get("attachment"), form.checked),
        success=reverse("portal:messages", args=[family.pk]), message=_("Your message is sent."), page=page)


@access("family")
@login_required
@require_http_methods(["GET", "POST"])
def needs(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = authorized_family(request, family_pk, Action.VIEW, Category.STORY)
    members = selectors.siblings_and_carers(family)
    may_change = can(request.user, Action.CHANGE, family, Category.STORY)
    form = NeedsForm(members=members)
    if request.method == "POST":
        authorize(request, Action.CHANGE, family, Category.STORY)
        form = NeedsForm(request.POST, members=members)

    def page(status: int) -> HttpResponse:
        conflict = getattr(form, "conflict", None)
        if conflict is not None:  # keep what was typed, but on the saved versions: saving again is a choice
            form.set_versions(conflict.current)
        return render(request, "portal/needs.html", {
            "family": family, "form": form, "members": members, "may_change": may_change,
            "conflicts": conflict.current if conflict is not None else [],
            "offers": selectors.sibling_offers(page_language())}, status=status)

    return form_action(
        request, form, lambda: services.save_needs(members, form.needs()),
        success=reverse("portal:needs", args=[family.pk]), message=_("The needs are saved."), page=page)


@access("family")
@login_required
def download(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = authorized_family(request, family_pk, Action.EXPORT)
    content = portal_download.build_zip(family, request.user, page_language())
    return file_response(content, "application/zip", f"los-familie-{family.pk}.zip", cache_control="")


@access("family")
@login_required
def attachment(request: HttpRequest, message_pk: int) -> HttpResponse:
    """Serve a message's attachment as a download, only through the access policy (EXPORT)."""
    message = authorized_object(request, Action.EXPORT, Message.objects.select_related("family"), pk=message_pk)
    # the sender's name is kept only as a base name; the extension is that of the type found in the content
    return uploads.download_response(message.attachment, uploads.safe_base_name(message.attachment_name, "vedlegg"))

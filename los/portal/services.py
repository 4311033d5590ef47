"""Actions of the family portal. The caller has authorized the action through the access policy."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from los.accounts.models import User
from los.core.forms import ConflictError
from los.families.models import Family, FamilyMember
from los.portal import selectors
from los.portal.models import STORY_FIELDS, FamilyStory, Message, MessageRead
from los.servicemap import uploads
from los.servicemap.uploads import CheckedFile


def _conflict(current: FamilyStory) -> ConflictError:
    """Someone else saved the story after this person opened it."""
    return ConflictError(_("Someone else saved our story while you were writing. Your text is kept below: "
                           "compare it with the saved version and save again."), current=current)


@transaction.atomic
def save_story(family: Family, user: User, data: dict[str, Any], version: int) -> FamilyStory:
    """Save the family's story; reject a stale ``version`` with :class:`los.core.forms.ConflictError`. Only the
    parts in ``data`` are written: a part that was not sent at all is left as it is (an empty text that was sent
    clears it)."""
    story = FamilyStory.objects.select_for_update().filter(family=family).first()
    if story is None:
        if version not in (0, 1):
            raise _conflict(FamilyStory(family=family, municipality=family.municipality))
        story = FamilyStory(family=family, municipality=family.municipality, version=0)
    elif story.version != version:
        raise _conflict(story)
    for name in STORY_FIELDS:
        if name in data:
            setattr(story, name, (data.get(name) or "").strip())
    story.version += 1
    story.updated_at = timezone.now()
    story.updated_by = user
    story.save()
    return story


@transaction.atomic
def send_message(family: Family, sender: User, body: str, attachment: UploadedFile | None = None,
                 checked: CheckedFile | None = None) -> Message:
    """Store a message (with an attachment already checked by ``uploads.check_upload``), one unread
    receipt per recipient, and e-mail each recipient that a message is waiting (after the transaction;
    the e-mail carries no content)."""
    message = Message(family=family, municipality=family.municipality, sender=sender, body=body.strip())
    if attachment is not None and checked is not None:
        # never the sender's extension: a safe base name and the extension of the type found in the content
        message.attachment_name = uploads.download_name(uploads.safe_base_name(attachment.name or "", "vedlegg"),
                                                        checked)
        message.attachment_type = checked.content_type
        message.attachment.save(f"vedlegg.{checked.extension}", attachment, save=False)
    message.save()
    recipients = [u for u in selectors.message_participants(family) if u.pk != sender.pk]
    MessageRead.objects.bulk_create([
        MessageRead(family=family, municipality=family.municipality, message=message, recipient=u)
        for u in recipients
    ])
    from los.portal.tasks import notify_message_waiting

    ids = [u.pk for u in recipients]
    transaction.on_commit(lambda: notify_message_waiting.enqueue(message.pk, ids))
    return message


def mark_read(family: Family, user: User) -> int:
    """Mark every message in the family's thread as read for ``user``."""
    return MessageRead.objects.filter(family=family, recipient=user, read_at__isnull=True).update(
        read_at=timezone.now())


class NeedsConflictError(ConflictError):
    """Someone else saved a sibling's or carer's needs after this person opened the page (``current``: those
    members as saved now)."""

    def __init__(self, current: list[FamilyMember]) -> None:
        super().__init__(_("Someone else saved the needs while you were writing. Nothing was saved; your text is "
                           "kept below. Compare it with what was saved and save again."), current=current)


@transaction.atomic
def save_needs(members: list[FamilyMember], needs: dict[int, tuple[str, int]]) -> int:
    """Record the own needs of siblings and carers: ``needs`` holds (text, version opened) per member whose
    text was sent; members left out are not touched. A stale version whose text differs from what is saved
    raises :class:`NeedsConflictError` and nothing is saved. Returns how many members changed."""
    locked = {m.pk: m for m in FamilyMember.objects.select_for_update().filter(pk__in=[m.pk for m in members])}
    changes: list[tuple[FamilyMember, str]] = []
    stale: list[FamilyMember] = []
    for pk, (text, version) in needs.items():
        member = locked.get(pk)
        if member is None:
            continue
        text = (text or "").strip()
        if text == member.needs:
            continue
        if member.version != version:
            stale.append(member)
        else:
            changes.append((member, text))
    if stale:
        raise NeedsConflictError(stale)
    for member, text in changes:
        member.needs = text
        member.version += 1
        member.save(update_fields=["needs", "version"])
    return len(changes)

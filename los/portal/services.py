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
from los.servicemap.uploads import CheckedFile


def _conflict(current: FamilyStory) -> ConflictError:
    """Someone else saved the story after this person opened it."""
    return ConflictError(_("Someone else saved our story while you were writing. Your text is kept below: "
                           "compare it with the saved version and save again."), current=current)


@transaction.atomic
def save_story(family: Family, user: User, data: dict[str, Any], version: int) -> FamilyStory:
    """Save the family's story; reject a stale ``version`` with :class:`los.core.forms.ConflictError`."""
    story = FamilyStory.objects.select_for_update().filter(family=family).first()
    if story is None:
        if version not in (0, 1):
            raise _conflict(FamilyStory(family=family, municipality=family.municipality))
        story = FamilyStory(family=family, municipality=family.municipality, version=0)
    elif story.version != version:
        raise _conflict(story)
    for name in STORY_FIELDS:
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
        message.attachment_name = (attachment.name or "")[:200]
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


@transaction.atomic
def save_needs(members: list[FamilyMember], needs: dict[int, str]) -> int:
    """Record the own needs of siblings and carers. Returns how many members changed."""
    changed = 0
    for member in members:
        text = (needs.get(member.pk) or "").strip()
        if text != member.needs:
            member.needs = text
            member.save(update_fields=["needs"])
            changed += 1
    return changed

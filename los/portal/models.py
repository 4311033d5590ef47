"""The family portal: the family's own place in Los.

- :class:`FamilyStory` – "our story, told once" (*vår historie*): what the family wants every service to
  know, written and kept by the guardians. Services see it only under the family's consent (category
  STORY); it is the first page of every handover summary (see ``selectors.story_for``).
- :class:`Message` – secure messages between the family and its barnekoordinator (category MESSAGES:
  the policy hides them from the coordinating unit and from service contacts).
- :class:`MessageRead` – read status per recipient.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.core.models import family_field, municipality_field, user_field
from los.families.models import Family

STORY_FIELDS = ("about_child", "what_helps", "what_to_avoid", "daily_routines", "communication",
                "what_matters", "about_siblings")


class FamilyStory(models.Model):
    """The family's own story, one per family. ``version`` guards against two people overwriting each
    other (optimistic locking)."""

    family = models.OneToOneField(Family, on_delete=models.PROTECT, related_name="story", verbose_name=_("family"))
    municipality = municipality_field()
    about_child = models.TextField(_("About our child"), blank=True)
    what_helps = models.TextField(_("What helps"), blank=True)
    what_to_avoid = models.TextField(_("What to avoid"), blank=True)
    daily_routines = models.TextField(_("Daily routines"), blank=True)
    communication = models.TextField(_("How our child communicates"), blank=True)
    what_matters = models.TextField(_("What matters to us"), blank=True)
    about_siblings = models.TextField(_("About the siblings"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    updated_by = user_field(_("last changed by"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("our story")
        verbose_name_plural = _("our stories")

    def __str__(self) -> str:
        return str(_("Our story")) + f" – {self.family}"

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name).strip() for name in STORY_FIELDS)


def _attachment_path(instance: Message, filename: str) -> str:
    # Never the uploaded name: a random name under the municipality, outside the web root.
    return f"portal/{instance.municipality_id}/{uuid.uuid4().hex}"


class Message(models.Model):
    """A message in the family's thread with its barnekoordinator, optionally with one attachment
    (checked by content with :mod:`los.servicemap.uploads`, served only through the access policy)."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="portal_messages",
                               verbose_name=_("family"))
    municipality = municipality_field()
    sender = user_field(_("sender"), on_delete=models.PROTECT, null=False)
    body = models.TextField(_("message"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    attachment = models.FileField(_("attachment"), upload_to=_attachment_path, max_length=200, blank=True)
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True)
    attachment_type = models.CharField(_("file type"), max_length=100, blank=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["family", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.sender} {self.sent_at:%d.%m.%Y %H:%M}"

    def access_owner_ids(self) -> list[int]:
        return [self.sender_id]

    @property
    def attachment_label(self) -> str:
        """The attachment's name as the thread shows it: a safe base name and the extension of the type found in
        the content when it was sent (the download checks the content again)."""
        from los.servicemap import uploads

        base = uploads.safe_base_name(self.attachment_name, "vedlegg")
        kind = self.attachment_type.split(";", 1)[0].strip()
        extension = next((uploads.EXTENSIONS[k] for k, t in uploads.CONTENT_TYPES.items() if t == kind),
                         uploads.UNKNOWN_EXTENSION)
        return f"{base}.{extension}"


class MessageRead(models.Model):
    """A recipient of a message and when they read it (``read_at`` empty: not read yet)."""

    family = family_field()
    municipality = municipality_field()
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="receipts",
                                verbose_name=_("message"))
    recipient = user_field(_("recipient"), on_delete=models.PROTECT, null=False)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("read status")
        verbose_name_plural = _("read statuses")
        constraints = [models.UniqueConstraint(fields=["message", "recipient"], name="portal_read_once")]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.recipient_id}"

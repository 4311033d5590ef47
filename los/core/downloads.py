"""A file a page gives the person: one way to answer with it, saved (an attachment) or opened in the browser."""

from __future__ import annotations

from django.http import HttpResponse


def file_response(content: bytes | str, content_type: str, filename: str, *, inline: bool = False,
                  cache_control: str = "no-store") -> HttpResponse:
    """``content`` as the file ``filename``; ``cache_control`` (kept out of caches by default; empty for none)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    if cache_control:
        response["Cache-Control"] = cache_control
    return response

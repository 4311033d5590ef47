"""A slow-down of log-in attempts per user name that nobody can use to lock a person out.

Two defences work together (docs/security.md, "Log-in throttling"):

1. **Lock-out per user name and address** (django-axes, ``AXES_LOCKOUT_PARAMETERS = [["username",
   "ip_address"]]``): five wrong passwords for one user name from one address lock that pair for 30 minutes.
   A lock-out per user name alone would let anyone lock a coordinator out by typing her user name five times.
2. **A growing delay per user name, from every address** (this module): when a user name has had more than
   ``LOS_LOGIN_SLOWDOWN_AFTER`` failed log-ins in the last hour, however many addresses they came from, the
   next attempt for that name must wait 2, 4, 8 … seconds (at most ``LOS_LOGIN_SLOWDOWN_MAX_SECONDS``) after
   the last failure. An attempt that comes too early is answered "wait N seconds" without the password being
   checked, and it is not counted as a failure. Someone guessing from many addresses gets one guess per delay.

The delay cannot lock a person out: it is never longer than ``LOS_LOGIN_SLOWDOWN_MAX_SECONDS``, and a browser
where the person has logged in before carries a signed cookie for that user name (``los_known``, set at every
successful log-in) and is not slowed down at all. Unknown user names are slowed down exactly like known ones, so
the delay does not tell whether an account exists.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.core import signing
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

COOKIE = "los_known"
COOKIE_SALT = "los.accounts.throttle.known"
COOKIE_DAYS = 180
MAX_NAMES = 5  # user names remembered per browser (a shared family computer)
WINDOW = timedelta(hours=1)


def _after() -> int:
    return int(getattr(settings, "LOS_LOGIN_SLOWDOWN_AFTER", 10))


def _max_seconds() -> int:
    return int(getattr(settings, "LOS_LOGIN_SLOWDOWN_MAX_SECONDS", 60))


def _digest(username: str) -> str:
    return salted_hmac(COOKIE_SALT, username.strip().lower(), algorithm="sha256").hexdigest()[:32]


def known_names(request: HttpRequest) -> list[str]:
    """The digests of the user names that have logged in from this browser (from the signed cookie)."""
    value = request.COOKIES.get(COOKIE)
    if not value:
        return []
    try:
        names = signing.loads(value, salt=COOKIE_SALT, max_age=timedelta(days=COOKIE_DAYS))
    except signing.BadSignature:
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def remember(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """After a successful log-in: this browser is known for this user name."""
    names = [_digest(username)] + [n for n in known_names(request) if n != _digest(username)]
    response.set_cookie(COOKIE, signing.dumps(names[:MAX_NAMES], salt=COOKIE_SALT),
                        max_age=COOKIE_DAYS * 24 * 3600, secure=settings.SESSION_COOKIE_SECURE, httponly=True,
                        samesite="Lax")


def failures(username: str, now: datetime | None = None) -> tuple[int, datetime | None]:
    """Failed log-ins for the user name in the last hour, from every address, and when the last one was."""
    now = now or timezone.now()
    row = AccessAttempt.objects.filter(username=username, attempt_time__gte=now - WINDOW).aggregate(
        n=Sum("failures_since_start"), last=Max("attempt_time"))
    return int(row["n"] or 0), row["last"]


def delay_for(count: int) -> int:
    """Seconds to wait after the last failure, when ``count`` failures were made in the last hour."""
    over = count - _after()
    if over <= 0:
        return 0
    return min(2 ** min(over, 16), _max_seconds())


def wait_seconds(request: HttpRequest, username: str, now: datetime | None = None) -> int:
    """How long this attempt must wait before the password is checked; 0 when it may go ahead."""
    if not username or _digest(username) in known_names(request):
        return 0
    now = now or timezone.now()
    count, last = failures(username, now)
    delay = delay_for(count)
    if not delay or last is None:
        return 0
    left = (last + timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(left))

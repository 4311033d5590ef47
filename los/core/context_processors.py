from django.conf import settings
from django.http import HttpRequest


def los(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    roles = user.role_names() if user is not None and user.is_authenticated else set()
    return {
        "LOS_SITE_NAME": settings.LOS_SITE_NAME,
        "LOS_DEMO": not settings.PRODUCTION,
        "user_roles": roles,
    }

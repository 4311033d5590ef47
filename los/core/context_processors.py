from django.conf import settings
from django.http import HttpRequest

FINDING_ROLES = frozenset({"barnekoordinator", "caseworker", "unit_leader", "service_contact"})
TODAY_ROLES = frozenset({"barnekoordinator", "caseworker", "unit_leader"})


def los(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    roles = user.role_names() if user is not None and user.is_authenticated else set()
    return {
        # staff who work on single families: the search field in the layout, the start page as "Today"
        "may_find_families": bool(roles & FINDING_ROLES),
        "works_today": bool(roles & TODAY_ROLES),
        "LOS_SITE_NAME": settings.LOS_SITE_NAME,
        "LOS_DEMO": not settings.PRODUCTION,
        "user_roles": roles,
    }

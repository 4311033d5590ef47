from django.core.management.base import BaseCommand

from los.referrals.models import PUBLIC_REQUEST_RETENTION_DAYS
from los.referrals.services import expire_public_requests


class Command(BaseCommand):
    help = (f"Blank the personal data of public-form requests nobody confirmed within "
            f"{PUBLIC_REQUEST_RETENTION_DAYS} days (the rows are kept, marked expired).")

    def handle(self, *args, **options) -> None:
        count = expire_public_requests()
        self.stdout.write(f"{count} unconfirmed public requests expired.")

"""Queue the weekly reminder to owners of overdue plan measures (run daily from cron or a scheduler)."""

from django.core.management.base import BaseCommand

from los.plans.tasks import send_overdue_measure_reminders


class Command(BaseCommand):
    help = "Queue e-mails to the owners of overdue measures in individual plans (no sensitive content)."

    def handle(self, *args, **options):
        result = send_overdue_measure_reminders.enqueue()
        self.stdout.write(f"Queued reminder task {result.id}")

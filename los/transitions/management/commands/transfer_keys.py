"""The keys that sign family packages (docs/family-transfer.md): ``manage.py transfer_keys [--generate]``.

Without arguments: this installation's name, key id and public key, as the entry another installation adds to its
LOS_TRANSFER_TRUSTED_SENDERS. With ``--generate``: a new private key for LOS_TRANSFER_SIGNING_KEY (keep it in the
environment or a secret store, never in the database or the repository) and its public key.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from los.transitions import signing


class Command(BaseCommand):
    help = "Show this installation's public key for family packages, or generate a new signing key."

    def add_arguments(self, parser):
        parser.add_argument("--generate", action="store_true", help="Print a new private key and its public key.")

    def handle(self, *args, **options):
        if options["generate"]:
            private = signing.generate_private_key()
            self.stdout.write(f"LOS_TRANSFER_SIGNING_KEY={private}")
            self.stdout.write(f"public key: {signing.public_key_of(private)} (key id "
                              f"{signing.key_id(signing.public_key_of(private))})")
            return
        try:
            own = signing.this_installation()
        except signing.SigningKeyError as error:
            raise CommandError(str(error)) from error
        if signing.uses_development_key():
            self.stderr.write("This installation signs with the published development key: not for production.")
        self.stdout.write(f"{own.name}={own.public_key}")
        self.stdout.write(f"key id {own.key_id}")

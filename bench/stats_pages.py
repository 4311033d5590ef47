"""Benchmark: the statistics pages (issue 11) on the national demo scale.

Needs a database seeded with ``manage.py seed_demo --scale national`` (357 municipalities, about 61,000
families with requests, decisions, plans, meetings and service maps). Opens every statistics page with the
Django test client for

- the demo municipality's unit leader (``leder``) and municipal leader (``kommunalsjef``),
- a unit leader and a municipal leader of the largest municipality (the worst case for one municipality),
- a leader with all 357 municipalities ("all my municipalities": the whole country at once),

and reports the server time (median and worst of ``--repeat`` runs) and the number of queries. The users for
the last two rows are made inside a transaction that is rolled back: the database is left as it was.

    DATABASE_URL=postgres://… .venv/bin/python bench/stats_pages.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from los.accounts.models import Role, RoleStatus, StaffRole, User  # noqa: E402
from los.core.models import Municipality  # noqa: E402

#: Roles made for the benchmark only, inside a transaction that is rolled back: in force without the approval
#: the role services would record.
IN_FORCE = {"active": True, "status": RoleStatus.APPROVED}
UNIT = [("stats:dashboard", {}), ("stats:queue", {}), ("stats:without_contact", {}),
        ("stats:unit_download", {"format": "xlsx"})]
LEADER = [("stats:municipal", {}), ("stats:municipal_download", {"format": "csv"}), ("stats:export", {}),
          ("stats:export_download", {"format": "xlsx"})]


class Rollback(Exception):  # noqa: N818
    pass


def measure(client: Client, name: str, params: dict, repeat: int) -> tuple[float, float, int, int]:
    times, queries, status = [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(reverse(name), params, HTTP_ACCEPT_LANGUAGE="nb")
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            times.append(time.perf_counter() - started)
        queries, status = len(captured), response.status_code
    return statistics.median(times), max(times), queries, status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    families = Municipality.objects.aggregate(n=Count("families"))["n"]
    print(f"database: {connection.vendor}, {Municipality.objects.count()} municipalities, {families} families\n")
    largest = Municipality.objects.annotate(n=Count("families")).order_by("-n").first()
    rows = []
    try:
        with transaction.atomic():
            unit_big = User.objects.create_user("bench.enhet")
            StaffRole.objects.create(user=unit_big, municipality=largest, role=Role.UNIT_LEADER, **IN_FORCE)
            leader_big = User.objects.create_user("bench.kommune")
            StaffRole.objects.create(user=leader_big, municipality=largest, role=Role.MUNICIPAL_LEADER, **IN_FORCE)
            national = User.objects.create_user("bench.nasjonal")
            StaffRole.objects.bulk_create([StaffRole(user=national, municipality=m, role=Role.MUNICIPAL_LEADER, **IN_FORCE)
                                           for m in Municipality.objects.all()])
            who = [
                ("leder (demo municipality, unit)", User.objects.get(username="leder"), UNIT + LEADER[:1]),
                ("kommunalsjef (demo municipality)", User.objects.get(username="kommunalsjef"), LEADER),
                (f"unit leader, {largest.name} ({largest.families.count()} families)", unit_big, UNIT + LEADER[:1]),
                (f"municipal leader, {largest.name}", leader_big, LEADER),
                ("leader of all 357 municipalities", national, LEADER[:1] + LEADER[2:3]),
            ]
            for label, user, pages in who:
                client = Client()
                client.force_login(user)
                for name, params in pages:
                    client.get(reverse(name), params)  # warm up
                    p50, worst, queries, status = measure(client, name, params, args.repeat)
                    rows.append((label, name, p50, worst, queries, status))
                    print(f"{label:55} {name:28} {p50 * 1000:8.0f} ms  (worst {worst * 1000:6.0f} ms)  "
                          f"{queries:3} queries  HTTP {status}", flush=True)
            raise Rollback
    except Rollback:
        pass
    print("\n| who | page | median | worst | queries |\n|---|---|---|---|---|")
    for label, name, p50, worst, queries, _status in rows:
        print(f"| {label} | `{name}` | {p50 * 1000:.0f} ms | {worst * 1000:.0f} ms | {queries} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

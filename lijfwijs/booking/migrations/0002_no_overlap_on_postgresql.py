"""PostgreSQL: no two holding bookings of one practitioner overlap (an exclusion constraint).

Not in the model's Meta because SQLite has no exclusion constraints; there the OccupiedMinute
table's unique constraint guards the same invariant (see booking/models.py).
"""

from django.db import migrations

HOLDING = "('held', 'confirmed', 'done', 'no_show')"

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE booking_booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist ("
    "practitioner_id WITH =, tstzrange(occupied_start, occupied_end, '[)') WITH &&"
    f") WHERE (status IN {HOLDING})",
]
DROP = ["ALTER TABLE booking_booking DROP CONSTRAINT IF EXISTS booking_no_overlap"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]

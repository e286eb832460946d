"""Install the privacy policy as version 1 (approved 2018-05-17, effective 2018-05-24) (C03)."""

import datetime
from pathlib import Path

from django.db import migrations

POLICY_FILE = Path(__file__).resolve().parent.parent / "policy" / "privacy-policy-2018.md"


def install(apps, schema_editor):
    PolicyVersion = apps.get_model("governance", "PolicyVersion")
    PolicyVersion.objects.get_or_create(
        number=1,
        defaults={
            "language": "en",
            "text": POLICY_FILE.read_text(encoding="utf-8"),
            "approved_on": datetime.date(2018, 5, 17),
            "effective_on": datetime.date(2018, 5, 24),
        },
    )


def uninstall(apps, schema_editor):
    apps.get_model("governance", "PolicyVersion").objects.filter(number=1).delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]

"""Version 1's approver (C115) and the five earlier policies its archive lists, with their ranges (C116).

Candor does not hold the earlier texts: their pages say so and point to the Foundation's archive.
"""

import datetime

from django.db import migrations

EARLIER = (
    ("2014-06", "Privacy policy (June 2014 - May 2018)", (2014, 6, 6), "June 6, 2014", (2018, 5, 24)),
    (
        "2008-11",
        "Privacy policy (November 2008 - June 2014)",
        (2008, 11, 25),
        "November 25, 2008",
        (2014, 6, 6),
    ),
    (
        "2008-08",
        "Privacy policy (August 2008 - November 2008)",
        (2008, 8, 19),
        "August 19, 2008",
        (2008, 11, 25),
    ),
    ("2006-06", "Privacy policy (June 2006 - August 2008)", (2006, 6, 21), "June 21, 2006", (2008, 8, 19)),
    ("2005-04", "Privacy policy (April 2005 to June 2006)", (2005, 4, 1), "April 2005", (2006, 6, 21)),
)


def install(apps, schema_editor):
    apps.get_model("governance", "PolicyVersion").objects.filter(number=1, approved_by="").update(
        approved_by="Katherine Maher"
    )
    EarlierPolicy = apps.get_model("governance", "EarlierPolicy")
    for key, title, start, label, until in EARLIER:
        EarlierPolicy.objects.get_or_create(
            key=key,
            defaults={
                "title": title,
                "effective_from": datetime.date(*start),
                "effective_from_label": label,
                "effective_until": datetime.date(*until),
            },
        )


def uninstall(apps, schema_editor):
    apps.get_model("governance", "EarlierPolicy").objects.filter(key__in=[row[0] for row in EARLIER]).delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0003_policy_changes_and_legal_demands")]

    operations = [migrations.RunPython(install, uninstall)]

# C93, C94: the agreements under which developers and researchers may receive nonpublic information.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0011_sharing_permission"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ResearchAgreement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("researcher", models.CharField(max_length=200)),
                ("purpose", models.TextField()),
                ("fields", models.TextField()),
                ("starts_on", models.DateField()),
                ("ends_on", models.DateField()),
                ("no_publication_clause", models.TextField()),
                ("recorded_at", models.DateTimeField()),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="event_type",
            field=models.CharField(
                choices=[
                    ("lookup_account", "Looked up an account's addresses"),
                    ("lookup_address", "Looked up the accounts behind an address"),
                    ("lookup_range", "Looked up the accounts behind an address range"),
                    ("role_granted", "Granted a privileged role"),
                    ("role_removed", "Removed a privileged role"),
                    ("policy_accepted", "Accepted the access policy"),
                    ("second_factor", "Passed the second factor"),
                    ("disclosure", "Disclosed nonpublic information"),
                    ("access_denied", "Was refused access"),
                    ("read_private_answers", "Read private survey answers"),
                    ("legal_demand", "Recorded or moved a legal demand"),
                    ("policy_change", "Proposed or moved a change of the privacy policy"),
                    ("subject_request", "Recorded or moved a person's request about their data"),
                    ("account_renamed", "Renamed an account at its owner's request"),
                    ("autoblock", "Blocked an account's last address, unseen, with an autoblock"),
                    ("research_agreement", "Recorded an agreement with a developer or researcher"),
                ],
                max_length=32,
            ),
        ),
    ]

# The public log moves from the wiki app (issue 21): the table stays `wiki_publiclogentry`, so this
# migration changes only Django's state, never the database.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("wiki", "0007_project_namespace"),  # the last migration that shaped the table
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PublicLogEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "log_type",
                            models.CharField(
                                choices=[
                                    ("newusers", "User creation log"),
                                    ("rights", "User rights log"),
                                    ("block", "Block log"),
                                    ("renameuser", "User rename log"),
                                    ("delete", "Deletion log"),
                                ],
                                max_length=32,
                            ),
                        ),
                        ("action", models.CharField(max_length=32)),
                        ("timestamp", models.DateTimeField()),
                        (
                            "target_namespace",
                            models.SmallIntegerField(
                                choices=[
                                    (-1, "Special"),
                                    (0, ""),
                                    (1, "Talk"),
                                    (2, "User"),
                                    (3, "User talk"),
                                    (4, "Project"),
                                    (5, "Project talk"),
                                ]
                            ),
                        ),
                        ("target_title", models.CharField(max_length=255)),
                        ("comment", models.CharField(blank=True, max_length=500)),
                        (
                            "performer",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "wiki_publiclogentry",
                        "indexes": [models.Index(fields=["log_type", "id"], name="log_by_type")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

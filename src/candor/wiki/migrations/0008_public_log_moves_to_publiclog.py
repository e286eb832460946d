# The public log moves to the publiclog app (issue 21): Django forgets the model here, the table stays.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("wiki", "0007_project_namespace"),
        ("publiclog", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PublicLogEntry")],
            database_operations=[],
        ),
    ]

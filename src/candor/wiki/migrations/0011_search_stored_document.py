"""PostgreSQL: the weighted search document stored in a generated column, so that ranking reads it instead
of computing `to_tsvector` of each candidate's text again (issue 19 §1, docs/performance.md "Growth
curves"). The GIN index moves from the expression to the column. SQLite's FTS5 table is unchanged.

The column is derived from the declared public `title` and `body` only, like SQLite's full-text index; the
data map's schema walk (tests/privacy/test_datamap.py) names both as derived indexes."""

from django.db import migrations

DOCUMENT = "setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'B')"
FORWARD = [
    f"ALTER TABLE wiki_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS ({DOCUMENT}) STORED",
    "CREATE INDEX wiki_search_stored_document ON wiki_searchentry USING gin (document)",
    "DROP INDEX wiki_search_document",
]
BACKWARD = [
    f"CREATE INDEX wiki_search_document ON wiki_searchentry USING gin (({DOCUMENT}))",
    "ALTER TABLE wiki_searchentry DROP COLUMN document",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("wiki", "0010_alter_page_namespace")]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]

"""The full-text index over wiki_searchentry, in each database's own engine (see wiki/search.py)."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE wiki_search_fts USING fts5("
    "title, body, content='wiki_searchentry', content_rowid='page_id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER wiki_search_fts_insert AFTER INSERT ON wiki_searchentry BEGIN "
    "INSERT INTO wiki_search_fts(rowid, title, body) VALUES (new.page_id, new.title, new.body); END",
    "CREATE TRIGGER wiki_search_fts_delete AFTER DELETE ON wiki_searchentry BEGIN "
    "INSERT INTO wiki_search_fts(wiki_search_fts, rowid, title, body) VALUES ('delete', old.page_id, old.title, old.body); END",
    "CREATE TRIGGER wiki_search_fts_update AFTER UPDATE ON wiki_searchentry BEGIN "
    "INSERT INTO wiki_search_fts(wiki_search_fts, rowid, title, body) VALUES ('delete', old.page_id, old.title, old.body); "
    "INSERT INTO wiki_search_fts(rowid, title, body) VALUES (new.page_id, new.title, new.body); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER wiki_search_fts_update",
    "DROP TRIGGER wiki_search_fts_delete",
    "DROP TRIGGER wiki_search_fts_insert",
    "DROP TABLE wiki_search_fts",
]
POSTGRESQL_FORWARD = [
    "CREATE INDEX wiki_search_document ON wiki_searchentry USING gin (("
    "setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'B')))",
    "CREATE INDEX wiki_search_title ON wiki_searchentry USING gin ((to_tsvector('simple', title)))",
]
POSTGRESQL_BACKWARD = ["DROP INDEX wiki_search_title", "DROP INDEX wiki_search_document"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("wiki", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        )
    ]

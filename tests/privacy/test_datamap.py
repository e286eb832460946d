"""C15, C16, C18: every stored field is in the data map; the map is checked, published and exportable."""

import dataclasses
import io
import re

import pytest
import yaml
from django.apps import apps
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection
from fideslang.default_taxonomy import DEFAULT_TAXONOMY
from fideslang.models import Dataset, System

from candor.accounts.models import User
from candor.privacy import checks, register
from candor.privacy.register import BASIS_WORDS, CATEGORIES, LegalBasis, Visibility


def _errors(ids: set[str]) -> list:
    return [error for error in run_checks() if error.id in ids]


def test_the_data_map_covers_every_field_and_the_check_passes():
    assert _errors({f"privacy.E00{n}" for n in range(1, 8)} | {"privacy.E010", "privacy.E011"}) == []


def test_every_database_column_is_declared(db):
    """C15: walk the real schema, not the models: every column of every table is in the map."""
    declared = set()
    join_tables = set()
    for table in register.tables():
        model = apps.get_model(table.model)
        for name in table.fields:
            field = model._meta.get_field(name)
            if field.many_to_many:
                join_tables.add(field.remote_field.through._meta.db_table)
            else:
                declared.add((model._meta.db_table, field.column))
    internal = {"django_migrations"}  # Django's own bookkeeping
    with connection.cursor() as cursor:
        tables = [
            name
            for name in connection.introspection.table_names(cursor)
            if name not in internal | join_tables
        ]
        for table_name in tables:
            if table_name.startswith("wiki_search_fts"):
                continue  # SQLite's full-text index over wiki_searchentry, which is declared
            for column in connection.introspection.get_table_description(cursor, table_name):
                if (table_name, column.name) == ("wiki_searchentry", "document"):
                    continue  # PostgreSQL's search document, generated from the declared title and body
                assert (table_name, column.name) in declared, (
                    f"{table_name}.{column.name} is not in the data map"
                )


def _with_tables(monkeypatch, change):
    original = list(register.tables())
    monkeypatch.setattr(register, "tables", lambda: iter(change(original)))
    monkeypatch.setattr(checks, "tables", register.tables)


def test_an_undeclared_field_fails_the_check(monkeypatch):
    def drop_email(tables):
        return [
            register.Table(
                t.model, t.description, t.collected_when, {k: v for k, v in t.fields.items() if k != "email"}
            )
            if t.model == "accounts.User"
            else t
            for t in tables
        ]

    _with_tables(monkeypatch, drop_email)

    messages = [error.msg for error in _errors({"privacy.E002"})]
    assert messages == ["accounts.User.email is not in the data map."]


def test_an_undeclared_model_and_an_unknown_field_fail_the_check(monkeypatch):
    def rename(tables):
        changed = []
        for t in tables:
            if t.model == "wiki.SearchEntry":
                continue
            if t.model == "accounts.User":
                t = register.Table(
                    t.model, t.description, t.collected_when, {**t.fields, "shoe_size": t.fields["email"]}
                )
            changed.append(t)
        return changed

    _with_tables(monkeypatch, rename)

    ids = {error.id for error in run_checks()}
    assert {"privacy.E001", "privacy.E003"} <= ids


def test_a_public_template_reading_a_private_field_fails_the_check(settings, tmp_path):
    (tmp_path / "leaky.html").write_text("<p>{{ account.email }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]

    messages = [error.msg for error in _errors({"privacy.E010"})]

    assert messages == ["The public template leaky.html reads 'email', which is private data."]


def test_every_declaration_has_a_visibility_a_retention_and_a_purpose():
    for table in register.tables():
        for name, field in table.fields.items():
            assert field.visibility in Visibility, name
            assert field.retention.describe(), name
            assert field.purpose.strip(), f"{table.model}.{name}"


def test_every_declaration_has_a_legal_basis():
    """C15, C19: every field names its legal basis, its own or its table's, one of the policy's grounds."""
    for table in register.tables():
        for name in table.fields:
            assert isinstance(table.basis_of(name), LegalBasis), f"{table.model}.{name}"


def test_a_declaration_without_a_legal_basis_fails_the_check_saying_what_to_add(monkeypatch):
    """C19: a new app's datamap that forgets the basis stops `manage.py check`, and the hint names the module,
    the table and the values to choose from."""

    def forget_basis(tables):
        return [dataclasses.replace(t, basis=None) if t.model == "notify.Watch" else t for t in tables]

    _with_tables(monkeypatch, forget_basis)

    (error,) = _errors({"privacy.E011"})
    assert error.msg.startswith("notify.Watch: no legal basis for id, user, page")
    assert 'In candor.notify.datamap, add basis=LegalBasis.X to Table(model="notify.Watch"' in error.hint
    assert "CONSENT, CONTRACT, LEGITIMATE_INTEREST, LEGAL_OBLIGATION" in error.hint


def test_a_field_may_name_its_own_basis_and_a_basis_must_be_a_legal_basis(monkeypatch):
    """C19: a field's own basis covers it when its table names none; a basis that is not a LegalBasis (a
    string typed by hand) is refused."""

    def per_field(tables):
        changed = []
        for t in tables:
            if t.model == "notify.Watch":
                fields = {n: dataclasses.replace(f, basis=LegalBasis.CONTRACT) for n, f in t.fields.items()}
                t = dataclasses.replace(t, basis=None, fields=fields)
            if t.model == "notify.Notification":
                t = dataclasses.replace(t, basis="consent")
            changed.append(t)
        return changed

    _with_tables(monkeypatch, per_field)

    messages = [error.msg for error in _errors({"privacy.E011"})]
    assert messages == ["notify.Notification: the legal basis 'consent' is not a LegalBasis."]


def test_categories_are_fideslang_categories():
    known = {category.fides_key for category in DEFAULT_TAXONOMY.data_category}

    assert CATEGORIES <= known


def test_fideslang_export_loads_in_fideslangs_own_models():
    out = io.StringIO()
    call_command("datamap", "--format", "fideslang", stdout=out)

    datasets = [Dataset.model_validate(item) for item in yaml.safe_load(out.getvalue())["dataset"]]

    fields = {(c.name, f.name): f for d in datasets for c in d.collections for f in c.fields}
    assert fields[("privacy_privateevent", "sealed")].data_categories == ["user.device.ip_address"]
    assert fields[("accounts_user", "email")].data_categories == ["user.contact.email"]
    assert "Legal basis: legitimate_interest." in fields[("privacy_privateevent", "sealed")].description


def test_fideslang_export_declares_each_use_with_its_legal_basis():
    """C15, C19: the export's system has a privacy declaration per data use and basis, which fideslang's
    own model accepts, covering every personal category the map declares."""
    out = io.StringIO()
    call_command("datamap", "--format", "fideslang", stdout=out)

    (system,) = [System.model_validate(item) for item in yaml.safe_load(out.getvalue())["system"]]

    by_basis = {}
    for declaration in system.privacy_declarations:
        assert declaration.legal_basis_for_processing is not None, declaration.name
        for category in declaration.data_categories:
            by_basis.setdefault(category, set()).add(declaration.legal_basis_for_processing.value)
    declared = {field.category for table in register.tables() for field in table.fields.values()} - {
        "system.operations"
    }
    assert set(by_basis) == declared
    assert "Legitimate interests" in by_basis["user.device.ip_address"]
    assert "Consent" in by_basis["user.account.settings"]


def test_the_table_format_lists_every_field():
    out = io.StringIO()
    call_command("datamap", stdout=out)

    text = out.getvalue()
    for table in register.tables():
        for name in table.fields:
            assert f"{table.model}.{name} " in text


def test_what_we_collect_page_lists_every_personal_field(client, db):
    """C18: generated from the register; covers the collection points the policy names."""
    response = client.get("/privacy/data")

    html = response.content.decode()
    assert response.status_code == 200 and not response.cookies
    for heading in (
        "When you make public contributions",
        "When you register an account",
        "When you use the site",
    ):
        assert heading in html
    for table in register.tables():
        for name, field in table.fields.items():
            if not field.category.startswith("system"):
                assert f'id="{table.model}.{name}"' in html
    assert "Deleted after 90 days" in html


def test_what_we_collect_page_gives_each_fields_legal_basis(client, db):
    """C19: each row of /privacy/data says on what basis the field is kept, from the same declaration."""
    html = client.get("/privacy/data").content.decode()

    rows = dict(re.findall(r'<tr id="([^"]+)">.*?<td class="basis">([^<]*)</td>', html, re.S))
    for table in register.tables():
        for name, field in table.fields.items():
            if not field.category.startswith("system"):
                assert rows[f"{table.model}.{name}"] == BASIS_WORDS[table.basis_of(name)]
    assert rows["accounts.User.accepts_user_email"] == "Your consent, which you can withdraw"


@pytest.mark.parametrize(
    "forbidden", ["real_name", "first_name", "last_name", "birth", "phone", "address", "card"]
)
def test_accounts_hold_no_name_birth_date_phone_address_or_card(forbidden):
    """C16."""
    assert not [
        field.name
        for field in User._meta.get_fields()
        if forbidden in field.name and field.name != "ip_address"
    ]


def test_no_template_asks_for_a_phone_address_id_or_card():
    for name, path in checks._template_files():
        inputs = re.findall(r'name="([^"]+)"', path.read_text(encoding="utf-8"))
        assert not [i for i in inputs if re.search(r"phone|postal|street|card|passport|birth", i)], name

"""The data map as a table for people, and as fideslang datasets for other privacy tools (C15)."""

import yaml
from django.apps import apps

from candor.privacy.register import FIDESLANG_BASIS, Table, tables

COLUMNS = ("field", "category", "visibility", "retention", "basis", "export", "erasure", "purpose")


def _basis(table: Table, name: str) -> str:
    basis = table.basis_of(name)
    return basis.value if basis else "NONE"  # the system check (privacy.E011) refuses this


def rows() -> list[tuple[str, ...]]:
    return [
        (
            f"{table.model}.{name}",
            field.category,
            field.visibility.value,
            field.retention.describe(),
            _basis(table, name),
            field.export.value,
            field.erasure.value,
            field.purpose,
        )
        for table in tables()
        for name, field in table.fields.items()
    ]


def as_text() -> str:
    table = [COLUMNS, *rows()]
    widths = [max(len(row[column]) for row in table) for column in range(len(COLUMNS) - 1)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1]
        for row in table
    ]
    return "\n".join(lines) + "\n"


def _collection(table: Table) -> dict:
    model = apps.get_model(table.model)
    return {
        "name": model._meta.db_table,
        "description": table.description,
        "fields": [
            {
                "name": model._meta.get_field(name).column
                if not model._meta.get_field(name).many_to_many
                else name,
                "description": f"{field.purpose} Visible to: {field.visibility.value}. "
                f"Retention: {field.retention.describe()}. Legal basis: {_basis(table, name)}.",
                "data_categories": [field.category],
            }
            for name, field in table.fields.items()
        ],
    }


def as_fideslang() -> str:
    by_app: dict[str, list[Table]] = {}
    for table in tables():
        by_app.setdefault(table.model.split(".")[0], []).append(table)
    datasets = [
        {
            "fides_key": f"candor_{app_label}",
            "name": f"Candor: {apps.get_app_config(app_label).verbose_name}",
            "description": f"Tables of the {app_label} app, from Candor's data map.",
            "collections": [_collection(table) for table in app_tables],
        }
        for app_label, app_tables in by_app.items()
    ]
    return yaml.safe_dump(
        {"dataset": datasets, "system": [_system(by_app)]}, sort_keys=False, allow_unicode=True
    )


def _system(by_app: dict[str, list[Table]]) -> dict:
    """Candor as one fideslang system: a privacy declaration per data use and legal basis (C15, C19), with
    the categories processed that way and the datasets that hold them."""
    declarations: dict[tuple[str, str], dict] = {}
    for app_label, app_tables in by_app.items():
        for table in app_tables:
            for name, field in table.fields.items():
                basis = table.basis_of(name)
                if field.category.startswith("system") or basis is None:
                    continue
                declaration = declarations.setdefault(
                    (field.use, basis.value),
                    {
                        "name": f"{field.use} ({basis.value})",
                        "data_use": field.use,
                        "legal_basis_for_processing": FIDESLANG_BASIS[basis],
                        "data_categories": [],
                        "data_subjects": ["customer"],
                        "dataset_references": [],
                    },
                )
                if field.category not in declaration["data_categories"]:
                    declaration["data_categories"].append(field.category)
                if f"candor_{app_label}" not in declaration["dataset_references"]:
                    declaration["dataset_references"].append(f"candor_{app_label}")
    return {
        "fides_key": "candor",
        "name": "Candor",
        "description": "The wiki and everything it keeps, from Candor's data map.",
        "system_type": "Application",
        "privacy_declarations": list(declarations.values()),
    }

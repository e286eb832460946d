"""The data map as a table for people, and as fideslang datasets for other privacy tools (C15)."""

import yaml
from django.apps import apps

from candor.privacy.register import Table, tables

COLUMNS = ("field", "category", "visibility", "retention", "export", "erasure", "purpose")


def rows() -> list[tuple[str, ...]]:
    return [
        (
            f"{table.model}.{name}",
            field.category,
            field.visibility.value,
            field.retention.describe(),
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
                f"Retention: {field.retention.describe()}.",
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
    return yaml.safe_dump({"dataset": datasets}, sort_keys=False, allow_unicode=True)

"""System checks that keep the data map true (C15, C18): `manage.py check` fails when it is not.

- every field of every installed model is declared, and every declaration names a real field;
- every declaration has a known category and says why the field is kept;
- every declaration has a legal basis (C19), its own or its table's, and the error says what to add;
- every table holding owner-only or private personal fields says which account each row is about
  (`Table.subject`), or that its rows are about no one person (NOT_ONE_PERSON), so that a person's export
  and erasure (C109, C110) cannot miss a table added later;
- no public template reads a field that is personal and not public. A template lookup is matched by the
  field's name, so the check covers names that are private wherever they occur (`user_agent`, `email`,
  `password`, ...); a name that is public on one model and private on another (`ip`) cannot be told apart
  statically, and is left to the canary crawl (tests/privacy/test_canary_crawl.py), which reads what every
  page actually shows.
"""

import re
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.mail.backends import smtp
from django.template import engines
from django.utils.module_loading import import_string

from candor.privacy import providers
from candor.privacy.register import (
    CATEGORIES,
    LegalBasis,
    Visibility,
    declaring_modules,
    own_data_templates,
    tables,
)

_LOOKUP = re.compile(r"\b[a-z_][a-z0-9_]*((?:\.[a-z_][a-z0-9_]*)+)")
_TAG = re.compile(r"{{(.*?)}}|{%(.*?)%}", re.S)


@register(Tags.models)
def check_data_map(app_configs=None, **kwargs) -> list[Error]:
    errors: list[Error] = []
    declared = {}
    for table in tables():
        if table.model in declared:
            errors.append(Error(f"{table.model} is declared twice in the data map.", id="privacy.E006"))
        declared[table.model] = table
    for model in apps.get_models():
        label = model._meta.label
        table = declared.pop(label, None)
        if table is None:
            errors.append(
                Error(
                    f"{label} is not in the data map.",
                    hint="Declare it in its app's datamap.py.",
                    id="privacy.E001",
                )
            )
            continue
        names = {field.name for field in model._meta.concrete_fields} | {
            field.name for field in model._meta.many_to_many
        }
        for name in sorted(names - table.fields.keys()):
            errors.append(
                Error(
                    f"{label}.{name} is not in the data map.",
                    hint="Declare it in datamap.py.",
                    id="privacy.E002",
                )
            )
        for name in sorted(table.fields.keys() - names):
            errors.append(
                Error(f"The data map declares {label}.{name}, which does not exist.", id="privacy.E003")
            )
        for name, field in table.fields.items():
            if field.category not in CATEGORIES:
                errors.append(
                    Error(f"{label}.{name}: unknown category {field.category!r}.", id="privacy.E004")
                )
            if not field.purpose.strip():
                errors.append(
                    Error(f"{label}.{name}: the data map must say why it is kept.", id="privacy.E005")
                )
        errors += _missing_basis(label, table)
        if table.subject is None and _holds_personal_data(table):
            errors.append(
                Error(
                    f"{label} holds owner-only or private personal fields but declares no subject.",
                    hint="Set Table.subject to the lookup path of the account each row is about, or to "
                    "NOT_ONE_PERSON.",
                    id="privacy.E007",
                )
            )
    for label in declared:
        errors.append(
            Error(f"The data map declares {label}, which is not an installed model.", id="privacy.E003")
        )
    return errors


def _missing_basis(label: str, table) -> list[Error]:
    """privacy.E011: a field whose legal basis is neither its own nor its table's (C19)."""
    wrong = [
        Error(f"{label}: the legal basis {basis!r} is not a LegalBasis.", id="privacy.E011")
        for basis in {table.basis, *(field.basis for field in table.fields.values())}
        if basis is not None and not isinstance(basis, LegalBasis)
    ]
    missing = [name for name in table.fields if table.basis_of(name) is None]
    if not missing:
        return wrong
    module = declaring_modules().get(label, "its app's datamap")
    choices = ", ".join(basis.name for basis in LegalBasis)
    return [
        *wrong,
        Error(
            f"{label}: no legal basis for {', '.join(missing)} (C19: every use of information has one).",
            hint=f'In {module}, add basis=LegalBasis.X to Table(model="{label}", ...) for all its fields, '
            f"or to each Field(...) whose basis differs; X is one of {choices} (see LegalBasis in "
            "candor/privacy/register.py, and import it from there).",
            id="privacy.E011",
        ),
    ]


def _holds_personal_data(table) -> bool:
    return any(
        field.visibility in (Visibility.OWNER, Visibility.PRIVATE) and not field.category.startswith("system")
        for field in table.fields.values()
    )


def _nonpublic_names() -> set[str]:
    """Field names that are personal and not public on every model that has them."""
    nonpublic, public = set(), set()
    for table in tables():
        for name, field in table.fields.items():
            if field.visibility == Visibility.PUBLIC or field.category.startswith("system"):
                public.add(name)
            else:
                nonpublic.add(name)
    return nonpublic - public


def _template_files() -> list[tuple[str, Path]]:
    """Candor's own templates. Third-party apps' templates (django-otp's admin pages) are not served by any
    Candor URL, so they are left out."""
    package = Path(__file__).resolve().parents[1]
    found = []
    for engine in engines.all():
        for directory in engine.template_dirs:
            root = Path(directory).resolve()
            if root.is_relative_to(package) or not root.is_relative_to(Path(sys.prefix).resolve()):
                found += [(str(path.relative_to(root)), path) for path in sorted(root.rglob("*.html"))]
    return found


@register(Tags.templates)
def check_public_templates(app_configs=None, **kwargs) -> list[Error]:
    return _private_fields_in_public_templates()


def _private_fields_in_public_templates() -> list[Error]:
    risky = _nonpublic_names()
    allowed = own_data_templates()
    errors = []
    for name, path in _template_files():
        if name in allowed:
            continue
        source = path.read_text(encoding="utf-8")
        for match in _TAG.finditer(source):
            for lookup in _LOOKUP.finditer(match.group(1) or match.group(2)):
                for attribute in lookup.group(1).strip(".").split("."):
                    if attribute in risky:
                        errors.append(
                            Error(
                                f"The public template {name} reads {attribute!r}, which is private data.",
                                hint="Show it only on a page for its owner (OWN_DATA_TEMPLATES) or through "
                                "privacy.access.",
                                id="privacy.E010",
                            )
                        )
    return errors


@register()
def check_mail_relay(app_configs, **kwargs) -> list[Error]:
    """C92: SMTP mail goes to a relay on this machine, or to one whose agreement is recorded."""
    if not issubclass(import_string(settings.EMAIL_BACKEND), smtp.EmailBackend):
        return []  # mail that leaves no machine (tests, development): no relay receives it
    problem = providers.relay_refusal()
    return [] if problem is None else [Error(problem, id="privacy.E008")]

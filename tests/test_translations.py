"""Issue 17 (C51, C118): the shipped languages are complete.

For every catalogue (each app's locale/, and the project-wide src/candor/locale for the shared templates) and
every language of settings.LANGUAGES but English: the .po file exists, has no untranslated, fuzzy or obsolete
entry, keeps each entry's placeholders and HTML tags, and holds exactly the strings `makemessages` extracts
from that app today (run on a temporary copy, so the tree is not touched). docs/translating.md says how to
fix a failure: `make messages`, then translate what is new.
"""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

PACKAGE = Path(settings.PACKAGE_DIR)
LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
CATALOGUES = sorted(
    [locale.parent for locale in PACKAGE.glob("*/locale") if (locale.parent / "__init__.py").exists()]
) + [PACKAGE]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%")
MSGFMT = shutil.which("msgfmt")
TAG = re.compile(r"</?([a-z]+)\b[^>]*>")


def _name(directory: Path) -> str:
    return "candor (project templates)" if directory == PACKAGE else directory.name


def _po(directory: Path, language: str) -> polib.POFile:
    path = directory / "locale" / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{_name(directory)} has no {language} catalogue: run make messages, then translate"
    return polib.pofile(str(path))


def test_every_app_with_translatable_strings_has_a_catalogue():
    """The apps part 1 of issue 17 translated; later apps add theirs the same way (docs/translating.md)."""
    names = {_name(directory) for directory in CATALOGUES}

    assert {
        "privacy",
        "publiclog",
        "accounts",
        "wiki",
        "candor (project templates)",
        "governance",
        "yourdata",
        "notify",
        "media",
        "stats",
    } <= names


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("directory", CATALOGUES, ids=_name)
def test_the_catalogue_is_complete(directory, language):
    """No untranslated, fuzzy or obsolete entry; placeholders and HTML kept."""
    po = _po(directory, language)
    problems = [f"untranslated: {entry.msgid!r}" for entry in po.untranslated_entries()]
    problems += [f"fuzzy: {entry.msgid!r}" for entry in po.fuzzy_entries()]
    problems += [f"obsolete: {entry.msgid!r}" for entry in po.obsolete_entries()]
    for entry in po.translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            if sorted(TAG.findall(text)) != sorted(TAG.findall(entry.msgid)):
                problems.append(f"HTML tags changed: {entry.msgid!r} -> {text!r}")
            wanted = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
            if not entry.msgid_plural and set(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"placeholders changed: {entry.msgid!r} -> {text!r}")
            if entry.msgid_plural and not set(PLACEHOLDER.findall(text)) <= wanted:
                problems.append(f"unknown placeholder: {entry.msgid!r} -> {text!r}")
    assert po.metadata.get("Language") == language
    assert not problems, f"{_name(directory)} in {language}:\n" + "\n".join(problems)


@pytest.mark.skipif(MSGFMT is None, reason="gettext is installed by .ci/run")
@pytest.mark.parametrize("directory", CATALOGUES, ids=_name)
def test_msgfmt_accepts_every_catalogue(directory):
    """gettext's own check of the format strings and the plural forms (what make compilemessages runs)."""
    for language in LANGUAGES:
        path = directory / "locale" / language / "LC_MESSAGES" / "django.po"
        result = subprocess.run(
            [MSGFMT, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr


def _copy_sources(directory: Path, into: Path) -> None:
    """The files makemessages reads (Python, templates, mail texts), without the other apps' folders."""
    if directory == PACKAGE:
        shutil.copytree(directory / "templates", into / "templates")
        for module in directory.glob("*.py"):
            shutil.copy(module, into / module.name)
    else:
        shutil.copytree(directory, into, ignore=shutil.ignore_patterns("locale", "__pycache__", "migrations"))
    (into / "locale").mkdir(parents=True, exist_ok=True)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is installed by .ci/run")
@pytest.mark.parametrize("directory", CATALOGUES, ids=_name)
def test_the_catalogue_holds_what_makemessages_extracts_today(directory, tmp_path, monkeypatch):
    """A string marked since the last `make messages` (or one whose mark was removed) fails here."""
    copy = tmp_path / "app"
    _copy_sources(directory, copy)
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=[LANGUAGES[0]], no_location=True, verbosity=0)
    extracted = {
        entry.msgid for entry in polib.pofile(str(copy / "locale" / LANGUAGES[0] / "LC_MESSAGES/django.po"))
    }

    for language in LANGUAGES:
        shipped = {entry.msgid for entry in _po(directory, language) if not entry.obsolete}
        assert extracted - shipped == set(), f"{_name(directory)} {language}: not in the catalogue yet"
        assert shipped - extracted == set(), f"{_name(directory)} {language}: no longer in the source"

"""An import stopped halfway, run again, ends with the same wiki as one clean run (issue 14 §1; STYLE.md 7).

The benchmark (bench/mwimport.py) kills a real `candor import_dump` of 100,000 revisions with SIGKILL; here
a few thousand revisions are stopped inside a batch's transaction, the moment a kill would hurt most."""

import io

import pytest

from candor.wiki import mwimport
from tests.wiki.mwdumps import empty_the_wiki, many_revisions, wiki_rows

DUMP = many_revisions(pages=60, per_page=50)  # 3,000 revisions


class Killed(BaseException):
    """What the process would see of a SIGKILL: nothing after it runs."""


def run(**options) -> mwimport.Report:
    stream = io.BufferedReader(io.BytesIO(DUMP.encode("utf-8")))
    return mwimport.import_dump(stream, file_name="bigwiki.xml", batch_revisions=250, **options)


@pytest.mark.parametrize("killed_in_batch", [1, 5])
def test_a_run_killed_halfway_and_run_again_is_one_clean_run(db, monkeypatch, killed_in_batch):
    run()
    clean = wiki_rows()
    assert len(clean["revisions"]) == 3000
    empty_the_wiki()

    batches = {"written": 0}
    original = mwimport._insert

    def dies_midway(model, columns, rows):
        if model is mwimport.ImportedRevision:
            batches["written"] += 1
            if batches["written"] == killed_in_batch + 1:
                raise Killed  # the batch's revisions are written, its ImportedRevision rows not yet
        return original(model, columns, rows)

    monkeypatch.setattr(mwimport, "_insert", dies_midway)
    with pytest.raises(Killed):
        run()
    halfway = wiki_rows()
    assert len(halfway["revisions"]) == killed_in_batch * 250  # whole batches only
    monkeypatch.undo()

    resumed = run()
    assert resumed.revisions_already_here == killed_in_batch * 250
    assert wiki_rows() == clean

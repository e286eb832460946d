"""Issue 18 (C116, C120, C33): when the operator switches to temporary accounts, the published policy says so
through an operator's addendum, drafted by `candor draft_attribution_addendum` and posted as a minor change
with its notice; switching back drafts its removal."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from candor.governance import actions
from candor.governance.actions.policy import ATTRIBUTION_HEADING
from candor.governance.models import ChangeKind, ChangeStatus, PolicyVersion
from candor.privacy import clock
from tests.governance.conftest import DAY_0


def _post(administrator, version: PolicyVersion) -> None:
    with clock.frozen_at(DAY_0):
        actions.do_adopt_minor(
            administrator.user, version, approved_by="Operator", effective_on=DAY_0.date() + timedelta(days=3)
        )


def test_the_policy_says_temporary_accounts_only_once_the_minor_change_takes_effect(
    settings, administrator, reader
):
    settings.CANDOR_LOGGED_OUT_ATTRIBUTION = "temporary_account"
    call_command("draft_attribution_addendum", "--by", administrator.user.username)
    draft = PolicyVersion.objects.get(status=ChangeStatus.DRAFT)
    assert draft.kind == ChangeKind.MINOR and "temporary account" in draft.summary
    assert ATTRIBUTION_HEADING in draft.text and "expires 90 days after it is made" in draft.text
    _post(administrator, draft)
    with clock.frozen_at(DAY_0 + timedelta(days=2)):
        before = reader.get("/privacy").content.decode()
    with clock.frozen_at(DAY_0 + timedelta(days=3)):
        after = reader.get("/privacy").content.decode()
        announcements = reader.get("/privacy/announcements").content.decode()
    assert "Operator’s addendum" not in before and "Operator's addendum" not in before
    assert "~2026-00001" in after and "candor_temporary_account" in after
    assert f"version {draft.number}" in announcements


def test_nothing_to_draft_when_the_policy_already_says_it_and_switching_back_removes_the_addendum(
    settings, administrator
):
    with pytest.raises(CommandError, match="already says"):
        call_command("draft_attribution_addendum", "--by", administrator.user.username)
    settings.CANDOR_LOGGED_OUT_ATTRIBUTION = "temporary_account"
    _post(administrator, actions.do_draft_attribution_addendum(administrator.user))
    with clock.frozen_at(DAY_0 + timedelta(days=3)):
        with pytest.raises(actions.GovernanceRefused, match="already says"):
            actions.do_draft_attribution_addendum(administrator.user)
        settings.CANDOR_LOGGED_OUT_ATTRIBUTION = "ip"
        removal = actions.do_draft_attribution_addendum(administrator.user)
    assert ATTRIBUTION_HEADING not in removal.text and "IP address" in removal.summary
    assert removal.text.strip() == PolicyVersion.objects.get(number=1).text.strip()


def test_only_an_administrator_drafts_it(settings, make_account):
    settings.CANDOR_LOGGED_OUT_ATTRIBUTION = "temporary_account"
    make_account("Mallory")
    with pytest.raises(CommandError):
        call_command("draft_attribution_addendum", "--by", "Mallory")
    with pytest.raises(CommandError, match="no account"):
        call_command("draft_attribution_addendum", "--by", "Nobody")
    assert not PolicyVersion.objects.filter(status=ChangeStatus.DRAFT).exists()

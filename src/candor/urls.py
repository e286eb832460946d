from django.urls import include, path
from django.views.generic import TemplateView

from candor.accounts import privileged
from candor.accounts import views as accounts
from candor.governance import privileged_views as governance_tools
from candor.governance import views as governance
from candor.media import views as media
from candor.notify import survey_views as surveys
from candor.notify import views as notify
from candor.privacy import views as privacy
from candor.stats import views as stats
from candor.wiki import views as wiki
from candor.yourdata import views as yourdata

urlpatterns = [
    path("", wiki.main_page),
    path("wiki/", wiki.main_page),
    path("wiki/Special:Upload", media.upload, name="upload"),  # ahead of wiki's: media's own page
    path("media/<str:sha256>", media.original, name="media-original"),
    path("media/thumb/<int:width>/<str:sha256>", media.thumb, name="media-thumb"),
    path("wiki/<path:raw_title>", wiki.page, name="wiki"),
    path("accounts/signup", accounts.signup, name="signup"),
    path("accounts/login", accounts.login_view, name="login"),
    path("accounts/logout", accounts.logout_view, name="logout"),
    path("accounts/preferences", accounts.preferences, name="preferences"),
    path("language", accounts.set_language, name="set-language"),
    path("accounts/verify-email", accounts.verify_email, name="verify-email"),
    path("accounts/unsubscribe", accounts.unsubscribe, name="unsubscribe"),
    path("accounts/email-user", notify.email_user, name="email-user"),
    path("accounts/password-reset", accounts.password_reset, name="password-reset"),
    path("accounts/password-reset/confirm", accounts.password_reset_confirm, name="password-reset-confirm"),
    path("accounts/second-factor", privileged.second_factor, name="second-factor"),
    path("accounts/access-policy", privileged.access_policy, name="access-policy"),
    path("accounts/checkuser", privileged.checkuser, name="checkuser"),
    path(
        "accounts/temporary-account-reveal",
        privileged.reveal_temporary_account,
        name="temporary-account-reveal",
    ),
    path("accounts/access-log", privileged.access_log, name="access-log"),
    path("accounts/rights", privileged.rights, name="rights"),
    path("accounts/block", privileged.block_page, name="block"),
    path("notify/", notify.inbox, name="notifications"),
    path("notify/watchlist", notify.watchlist, name="watchlist"),
    path("notify/settings", notify.notification_settings, name="notification-settings"),
    path("notify/watch", notify.watch, name="watch"),
    path("notify/surveys", surveys.survey_list, name="surveys"),
    path("notify/surveys/new", surveys.new_survey, name="survey-new"),
    path("notify/surveys/answer", surveys.answer_survey, name="survey-answer"),
    path("notify/surveys/results", surveys.survey_results, name="survey-results"),
    path("notify/surveys/private", surveys.private_results, name="survey-private"),
    path("privacy", governance.privacy_policy, name="privacy"),
    path("privacy/cookies", privacy.cookie_statement, name="cookies"),
    path("privacy/data", privacy.data_we_collect, name="data"),
    path("privacy/holds", privacy.legal_holds, name="legal-holds"),
    path("privacy/csp-report", privacy.csp_report, name="csp-report"),
    path("privacy/versions", governance.policy_versions, name="policy-versions"),
    path("privacy/diff", governance.policy_diff, name="policy-diff"),
    path("privacy/announcements", governance.announcements, name="announcements"),
    path("privacy/announcements/feed", governance.AnnouncementFeed(), name="announcements-feed"),
    path("privacy/announcements/confirm", governance.confirm_subscription, name="announcements-confirm"),
    path("privacy/announcements/unsubscribe", governance.unsubscribe, name="announcements-unsubscribe"),
    path("privacy/contact", governance.contact, name="privacy-contact"),
    path("privacy/transparency", governance.transparency, name="transparency"),
    path("privacy/legal-demands", governance.legal_demands, name="legal-demands"),
    path("privacy/faq", governance.faq, name="privacy-faq"),
    path("privacy/glossary", governance.glossary, name="privacy-glossary"),
    path("privacy/access-policy", governance.access_policy, name="public-access-policy"),
    path("governance/policy", governance_tools.policy_changes, name="policy-changes"),
    path("governance/transfer", governance_tools.ownership_transfer, name="ownership-transfer"),
    path("governance/legal", governance_tools.legal, name="legal"),
    path("governance/contact-messages", governance_tools.contact_messages, name="contact-messages"),
    path("yourdata/", yourdata.your_data, name="your-data"),
    path("yourdata/export", yourdata.request_export, name="your-data-export"),
    path("yourdata/download", yourdata.download, name="your-data-download"),
    path("yourdata/erasure", yourdata.request_erasure, name="your-data-erasure"),
    path("yourdata/rename", yourdata.request_rename, name="your-data-rename"),
    path("yourdata/blank-user-page", yourdata.blank_user_page, name="your-data-blank-user-page"),
    path("yourdata/delete-user-page", yourdata.request_page_deletion, name="your-data-delete-user-page"),
    path("yourdata/queue", yourdata.queue, name="your-data-queue"),
    path("yourdata/sharing", yourdata.sharing, name="your-data-sharing"),
    path("stats/releases", stats.release_list, name="stats-releases"),
    path("stats/releases/<int:release_id>", stats.release_csv, name="stats-release"),
    path("stats/publish", stats.publish, name="stats-publish"),
    path("", include("candor.api.urls")),
    path("about/disclaimers", TemplateView.as_view(template_name="disclaimers.html"), name="disclaimers"),
]
handler500 = "candor.errors.server_error"

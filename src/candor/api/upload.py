"""action=upload: Special:Upload through the API, for mwclient's Site.upload and other bots.

It calls the form's own action (`media.actions.do_upload`), so the type from the bytes, the limits, the
stripping of metadata (kept only with `keepmetadata`, Candor's own parameter), the private event and the
attribution are the form's (C36, C43, C44). Logged in only, with a csrf token, as the form.
"""

from django.conf import settings

from candor.api import tokens
from candor.api.action import ApiError, Context, iso
from candor.media import actions, queries
from candor.media.processing import Refused


def upload(ctx: Context) -> dict:
    params = ctx.params
    token = params.raw("token")
    if token is None:
        raise ApiError("missingparam", 'The "token" parameter must be set.')
    if not tokens.is_valid_session_token(ctx.request, "csrf", token):
        raise ApiError("badtoken", "Invalid CSRF token.")
    if ctx.user is None:
        raise ApiError("permissiondenied", "You need to be logged in to upload files.")
    filename = params.raw("filename")
    if not filename:
        raise ApiError("missingparam", 'The "filename" parameter must be set.')
    for unsupported in ("url", "filekey", "sessionkey", "chunk", "stash"):
        if params.raw(unsupported):
            raise ApiError(
                "badupload_" + unsupported, f'Candor accepts the file itself, not "{unsupported}".'
            )
    sent = ctx.request.FILES.get("file")
    if sent is None:
        raise ApiError("missingparam", 'The "file" parameter must be set, as a multipart file.')
    limit = settings.CANDOR_MAX_UPLOAD_BYTES
    data = sent.read(limit + 1)
    comment = params.raw("comment") or ""
    text = params.raw("text") or ""
    try:
        done = actions.do_upload(
            ctx.user,
            filename,
            data,
            ctx.request.candor_meta,
            keep_metadata=params.raw("keepmetadata") not in (None, "", "0", "false"),
            comment=(comment or text)[:500],
        )
    except Refused as problem:
        raise ApiError("verification-error", str(problem)) from problem
    version = done.version
    return {
        "upload": {
            "result": "Success",
            "filename": done.title.key,
            "imageinfo": {
                "timestamp": iso(version.timestamp),
                "user": ctx.user.username,
                "size": version.size,
                "width": version.width,
                "height": version.height,
                "mime": version.mime,
                "sha1": "",
                "sha256": version.sha256,
                "url": queries.original_url(version),
                "descriptionurl": done.title.url,
                "metadata": [{"name": name, "value": value} for name, value in version.metadata],
            },
        }
    }

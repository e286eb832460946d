"""POST /api/v1/files: an upload through the JSON API, the form's action and checks (issue 15; C43, C44).

Logged in (the session) and with the Action API's csrf token (`action=query&meta=tokens`) in `token`, so
that no other site can make a logged-in browser upload. Left out of the OpenAPI schema, which documents the
read-only public API that schemathesis fuzzes; docs/media.md describes it.
"""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from ninja import File, Form, Router
from ninja.files import UploadedFile

from candor.api import tokens
from candor.media import actions, queries
from candor.media.processing import Refused

router = Router(tags=["v1"])


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@router.post("/files", include_in_schema=False)
def upload(
    request: HttpRequest,
    file: File[UploadedFile],
    name: Form[str],
    token: Form[str],
    comment: Form[str] = "",
    keep_metadata: Form[bool] = False,
):
    if not request.user.is_authenticated:
        return _error("not_logged_in", "You need to be logged in to upload a file.", 403)
    if not tokens.is_valid_session_token(request, "csrf", token):
        return _error("bad_token", "Invalid csrf token: ask action=query&meta=tokens for one.", 403)
    try:
        done = actions.do_upload(
            request.user,
            name,
            file.read(settings.CANDOR_MAX_UPLOAD_BYTES + 1),
            request.candor_meta,
            keep_metadata=keep_metadata,
            comment=comment,
        )
    except Refused as problem:
        return _error("refused", str(problem), 400)
    version = done.version
    return JsonResponse(
        {
            "title": done.title.display,
            "url": done.title.url,
            "file": queries.original_url(version),
            "mime": version.mime,
            "size": version.size,
            "width": version.width,
            "height": version.height,
            "user": request.user.username,
            "metadata": version.metadata,
        },
        status=201,
    )

"""Special:Upload, the File: page (through publiclog.files, for the wiki) and the stored bytes at /media/."""

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from candor.media import actions, processing, queries, storage
from candor.media.forms import UploadForm
from candor.media.processing import Refused
from candor.publiclog.titles import Namespace, Title

PENDING_SALT = "candor.media.pending"
PENDING_SECONDS = 3600
CACHE_FOREVER = "public, max-age=31536000, immutable"  # the URL names the bytes' hash: they never change


def _read(upload, limit: int) -> bytes:
    """At most limit + 1 bytes of the upload: enough to know it is too large, never all of a huge one."""
    return upload.read(limit + 1)


def upload(request: HttpRequest) -> HttpResponse:
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    context = {"max_bytes": settings.CANDOR_MAX_UPLOAD_BYTES, "logged_in": request.user.is_authenticated}
    if request.method != "POST":
        form = UploadForm(initial={"name": request.GET.get("name", "")[:240]})
        return render(request, "media/upload.html", {**context, "form": form})
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            content = _content(request, form)
            name = data["name"] or getattr(request.FILES.get("file"), "name", "")
            if data["keep_metadata"] and not data["confirm"]:
                return _confirm(request, form, content, name, context)
            done = actions.do_upload(
                request.user,
                name,
                content,
                request.candor_meta,
                keep_metadata=data["keep_metadata"],
                comment=data["comment"],
            )
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            storage.pending_path(done.version.sha256).unlink(missing_ok=True)
            storage.pending_path(storage.digest(content)).unlink(missing_ok=True)
            return HttpResponseRedirect(done.title.url)
    return render(request, "media/upload.html", {**context, "form": form}, status=400)


def _content(request: HttpRequest, form: UploadForm) -> bytes:
    limit = settings.CANDOR_MAX_UPLOAD_BYTES
    if form.cleaned_data["pending"]:
        try:
            token = signing.loads(form.cleaned_data["pending"], salt=PENDING_SALT, max_age=PENDING_SECONDS)
        except signing.BadSignature as exc:
            raise Refused(
                _("The upload waited too long for its confirmation: choose the file again.")
            ) from exc
        if token.get("user") != request.user.pk:
            raise Refused(_("Choose the file again."))
        path = storage.pending_path(token["sha256"])
        if not path.exists():
            raise Refused(_("Choose the file again."))
        return path.read_bytes()
    upload_file = request.FILES.get("file")
    if upload_file is None:
        raise Refused(_("Choose a file to upload."))
    return _read(upload_file, limit)


def _confirm(request, form, content: bytes, name: str, context) -> HttpResponse:
    """ "Keep the camera metadata": the list of what the file would publish, before anything is stored."""
    if not request.user.is_authenticated:
        raise actions.not_logged_in()
    if len(content) > settings.CANDOR_MAX_UPLOAD_BYTES:
        raise actions.too_large()
    actions.file_title(name)
    prepared = processing.prepare(content, keep_metadata=True)
    sha256 = storage.digest(content)
    storage.write(storage.pending_path(sha256), content)
    token = signing.dumps({"sha256": sha256, "user": request.user.pk}, salt=PENDING_SALT)
    confirm = UploadForm(
        initial={
            "name": name,
            "comment": form.cleaned_data["comment"],
            "keep_metadata": True,
            "pending": token,
        }
    )
    return render(
        request,
        "media/upload.html",
        {**context, "form": confirm, "confirming": True, "metadata": prepared.metadata, "name": name},
    )


def file_page(request: HttpRequest, title: Title, description, uses) -> HttpResponse | None:
    """The File: page, handed over by the wiki's page view (publiclog.files): None if no live file."""
    media = queries.live_file(title)
    if media is None:
        return None
    latest = media.latest
    context = {
        "title": title,
        "media": media,
        "latest": latest,
        "is_image": latest.mime.startswith("image/"),
        "preview": queries.thumb_url(latest, 1000 if latest.width > 500 else 500),
        "original": queries.original_url(latest),
        "versions": [
            {"version": version, "url": queries.original_url(version), "uploader": _uploader(version)}
            for version in queries.versions(media)
        ],
        "uploader": _uploader(latest),
        "page": description,
        "revision": description.latest if description is not None else None,
        "uses": uses,
    }
    return render(request, "media/file_page.html", context)


def _uploader(version) -> dict:
    if version.user is None:
        return {"name": _("(removed)"), "url": ""}
    return {"name": version.user.username, "url": Title(Namespace.USER, version.user.username).url}


def _serve(data: bytes, mime: str, *, download_name: str = "") -> HttpResponse:
    response = HttpResponse(data, content_type=mime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = CACHE_FOREVER
    if not mime.startswith("image/"):
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    if mime == processing.PDF:
        response["Content-Disposition"] = f'attachment; filename="{download_name or "file.pdf"}"'
    return response


@require_GET
def original(request: HttpRequest, sha256: str) -> HttpResponse:
    version = queries.live_version(sha256)
    if version is None:
        raise Http404(_("No such file."))
    accel = getattr(settings, "CANDOR_MEDIA_ACCEL_PREFIX", "")
    if accel:  # the front server sends the bytes (docs/media.md): Candor only checks and names them
        response = _serve(b"", version.mime, download_name=version.file.name)
        response["X-Accel-Redirect"] = f"{accel.rstrip('/')}/originals/{sha256[:2]}/{sha256}"
        return response
    data = storage.original_path(sha256).read_bytes()
    return _serve(data, version.mime, download_name=version.file.name)


@require_GET
def thumb(request: HttpRequest, width: int, sha256: str) -> HttpResponse:
    if width not in processing.THUMB_WIDTHS:
        raise Http404(_("No such thumbnail size."))
    version = queries.live_version(sha256)
    if version is None or not version.mime.startswith("image/"):
        raise Http404(_("No such file."))
    data, mime = actions.ensure_thumbnail(version, width)
    return _serve(data, mime)

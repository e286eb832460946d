"""The Content-Security-Policy, and the reports browsers send when a page breaks it (C53).

A report is kept as the page's path, the directive and the blocked resource's origin: no address, no
user agent, no cookie, and no full URL, whose query string could hold a search.
"""

from urllib.parse import urlsplit

from candor.privacy import clock
from candor.privacy.models import CspReport

REPORT_PATH = "/privacy/csp-report"
MAX_REPORTS_PER_REQUEST = 10

# Everything from this origin and nothing from any other; no inline script or style at all, so no nonce is
# needed; no framing of Candor by anyone.
POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "frame-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        f"report-uri {REPORT_PATH}",
    ]
)

_KEYWORDS = {"inline", "eval", "self", "data", "blob", "wasm-eval", "trusted-types-policy"}


def _origin(uri: str) -> str:
    if uri in _KEYWORDS:
        return uri
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else (parts.scheme or "unknown")


def _first(body: dict, *keys: str) -> str:
    return next((str(body[key]) for key in keys if body.get(key)), "")


def record_reports(payload: object) -> int:
    """Store the violations in a report body (the old `csp-report` form or the Reporting API's list).

    Returns how many were stored; nothing else from the body is kept.
    """
    items = payload if isinstance(payload, list) else [payload]
    rows = []
    for item in items[:MAX_REPORTS_PER_REQUEST]:
        body = (item.get("csp-report") or item.get("body")) if isinstance(item, dict) else None
        if not isinstance(body, dict):
            continue
        rows.append(
            CspReport(
                at=clock.now(),
                document_path=urlsplit(_first(body, "document-uri", "documentURL")).path[:512],
                directive=_first(body, "effective-directive", "effectiveDirective", "violated-directive")[
                    :64
                ],
                blocked=_origin(_first(body, "blocked-uri", "blockedURL"))[:256],
            )
        )
    CspReport.objects.bulk_create(rows)
    return len(rows)

"""C53: CSP violation reports are recorded without anything about the reporter."""

import json

from django.test import Client

from candor.privacy.models import CspReport

LEGACY_REPORT = {
    "csp-report": {
        "document-uri": "https://wiki.example/wiki/Pier?search=secret-term",
        "violated-directive": "img-src 'self'",
        "effective-directive": "img-src",
        "blocked-uri": "https://tracker.example/pixel.png?user=42",
    }
}


def _post(client: Client, body: object, content_type: str = "application/csp-report"):
    return client.post("/privacy/csp-report", json.dumps(body), content_type=content_type)


def test_a_report_keeps_the_path_the_directive_and_the_blocked_origin_only(db):
    reporter = Client(REMOTE_ADDR="198.51.100.99", HTTP_USER_AGENT="ReporterUA/1.0")

    response = _post(reporter, LEGACY_REPORT)

    assert response.status_code == 204
    report = CspReport.objects.get()
    assert (report.document_path, report.directive, report.blocked) == (
        "/wiki/Pier",
        "img-src",
        "https://tracker.example",
    )
    stored = " ".join(str(value) for value in CspReport.objects.values_list())
    assert "198.51.100.99" not in stored and "ReporterUA" not in stored and "secret-term" not in stored


def test_reporting_api_lists_are_accepted(db):
    body = [
        {
            "type": "csp-violation",
            "body": {
                "documentURL": "https://w.example/x",
                "effectiveDirective": "script-src",
                "blockedURL": "inline",
            },
        }
    ]

    assert _post(Client(), body, "application/reports+json").status_code == 204
    assert CspReport.objects.get().blocked == "inline"


def test_bad_reports_are_refused_clearly(db):
    client = Client()

    assert client.post("/privacy/csp-report", "not json", content_type="application/json").status_code == 400
    assert _post(client, {"something": "else"}).status_code == 400
    assert _post(client, {"csp-report": {"document-uri": "x" * 20000}}).status_code == 413
    assert client.get("/privacy/csp-report").status_code == 405
    assert not CspReport.objects.exists()

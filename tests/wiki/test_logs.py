"""C38: the public account-creation log shows the username and the time, nothing else."""

from django.test import Client

from candor.publiclog.models import PublicLogEntry


def test_account_creation_log_shows_name_and_time_but_no_ip_or_email(db):
    newcomer = Client(REMOTE_ADDR="198.51.100.8")
    newcomer.post(
        "/accounts/signup",
        {"username": "Carol", "password": "a long enough password", "email": "carol@example.org"},
    )
    entry = PublicLogEntry.objects.get()

    for url in ("/wiki/Special:Log", "/wiki/Special:Log/newusers"):
        html = Client().get(url).content.decode()
        assert "Carol" in html
        assert entry.timestamp.strftime("%Y-%m-%d %H:%M") in html
        assert "198.51.100.8" not in html
        assert "carol@example.org" not in html


def test_an_unknown_log_is_not_found(client, db):
    response = client.get("/wiki/Special:Log/secrets")

    assert response.status_code == 404
    assert "no public log" in response.content.decode()

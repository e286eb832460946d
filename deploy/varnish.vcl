# Varnish 7 (Debian bookworm's `varnish`, 7.1) in front of Candor's gunicorn (docs/operations.md,
# "A front cache (Varnish)"; issue 19 §2; C20, C34, C99).
#
# Candor decides what may be shared: anonymous, cookieless page views, histories, old revisions, diffs and
# raw text come with `public, s-maxage=N`; everything else is `private, no-store`. This file only obeys:
# a request carrying a cookie is never looked up nor stored, a response without s-maxage is never stored,
# and an edit's PURGE (CANDOR_CDN_SERVERS) removes a URL in every language at once.
#
# Edit the backend below to where gunicorn listens, and the purgers ACL to the addresses Candor's job
# workers send PURGE from (loopback only by default). Start it with, for example:
#   varnishd -a :80 -f /etc/varnish/varnish.vcl -s malloc,1G

vcl 4.1;

import std;

backend candor {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may purge: the hosts running Candor's job worker (`candor run_huey`).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        # Removes the object and every variant of it (each language, Vary: Accept-Language).
        return (purge);
    }
    # One of Candor's five languages, the reader's first choice, so that Accept-Language does not split
    # the cache into one copy per browser's header. Readers who pick a language carry a cookie and pass.
    if (req.http.Accept-Language ~ "^\s*ar") {
        set req.http.Accept-Language = "ar";
    } elsif (req.http.Accept-Language ~ "^\s*de") {
        set req.http.Accept-Language = "de";
    } elsif (req.http.Accept-Language ~ "^\s*es") {
        set req.http.Accept-Language = "es";
    } elsif (req.http.Accept-Language ~ "^\s*fr") {
        set req.http.Accept-Language = "fr";
    } else {
        set req.http.Accept-Language = "en";
    }
    # A request's body is read whole before gunicorn sees it: gunicorn's sync workers read it themselves,
    # so a client trickling a body a byte at a time would hold one (issue 20 §3, docs/reliability.md). The
    # limit is above CANDOR_MAX_UPLOAD_BYTES (50 MiB by default); raise both together. Larger bodies: 413.
    if (req.method == "POST" || req.method == "PUT") {
        if (!std.cache_req_body(64MB)) {
            return (synth(413, "Payload Too Large"));
        }
    }
    # Any cookie (session, language picker, CSRF, temporary account) means a page that may be personal:
    # never looked up, never stored. Varnish's builtin rules then pass Authorization and non-GET/HEAD.
    if (req.http.Cookie) {
        return (pass);
    }
}

sub vcl_backend_response {
    # s-maxage decides; a response without it (private, no-store) is never stored.
    if (beresp.http.Cache-Control !~ "s-maxage") {
        set beresp.uncacheable = true;
        return (deliver);
    }
}

sub vcl_deliver {
    # For operators and tests: whether this answer came from the cache.
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}

"""A logging filter that keeps personal data out of Candor's logs (C45).

Candor's own code logs no address, user agent, email or password to begin with. This filter is the
second line, on every handler: it renders each message, masks anything shaped like an IP address or an
email address, cuts query strings (which can hold a search) from request lines, and drops the request
object that Django attaches to some records, so that no formatter can reach its headers.
"""

import logging
import re

_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
# No hex digit before (a colon may be: "/wiki/User_talk:2001:db8::1"). Clock times such as 12:34:56 are
# masked too; masking too much is the safe side.
_IPV6 = re.compile(
    r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{1,4})*(?![\w:])"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_QUERY = re.compile(r"(/[^\s?\"]*)\?[^\s\"]*")


def redact(text: str) -> str:
    text = _EMAIL.sub("[email]", text)
    text = _IPV6.sub("[address]", text)
    text = _IPV4.sub("[address]", text)
    return _QUERY.sub(r"\1?[query]", text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if hasattr(record, "request"):
            record.request = None
        if record.exc_info and record.exc_info[1] is not None:
            # The traceback's text is formatted later from exc_info; keep the type and a redacted message.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True

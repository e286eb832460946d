from candor.privacy import clock
from candor.publiclog.models import LogType, PublicLogEntry
from candor.publiclog.titles import Title


def record_public_log(*, log_type: LogType, action: str, performer, target: Title, comment: str = "") -> None:
    """Write one public log line (C38): the performer's username, the target, the time, a public comment.

    `performer` is an account, or None for the operator acting from the command line."""
    PublicLogEntry.objects.create(
        log_type=LogType(log_type),
        action=action,
        timestamp=clock.now(),
        performer=performer,
        target_namespace=target.namespace,
        target_title=target.key,
        comment=comment,
    )

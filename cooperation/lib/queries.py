"""Query helpers the apps share."""

import contextlib

from django.db import connection
from django.db.models import Q, QuerySet


def pk_in_any(*querysets: QuerySet) -> Q:
    """Q(pk__in=…) over the union of the ids the querysets give (each a values() of one column):
    a search whose "or" spans several indexed columns and other tables.

    Written as one filter with an OR over an EXISTS, PostgreSQL reads the whole table and tests
    each row; each branch of a UNION uses its own index, a trigram or a foreign key, and only the
    rows found are joined back (docs/PERFORMANCE.md has the figures)."""
    first, *others = (queryset.order_by() for queryset in querysets)
    return Q(pk__in=first.union(*others))


@contextlib.contextmanager
def commits_not_awaiting_disk():
    """Inside: PostgreSQL answers a commit once it is in the server's memory, not on its disk
    (synchronous_commit off), so many small transactions in a row do not each wait for an fsync.
    Other connections see each commit at once, as usual; only a crash of the database server
    itself can lose the last fraction of a second of them. Elsewhere it does nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")

"""Query helpers the apps share."""

from django.db.models import Q, QuerySet


def pk_in_any(*querysets: QuerySet) -> Q:
    """Q(pk__in=…) over the union of the ids the querysets give (each a values() of one column):
    a search whose "or" spans several indexed columns and other tables.

    Written as one filter with an OR over an EXISTS, PostgreSQL reads the whole table and tests
    each row; each branch of a UNION uses its own index, a trigram or a foreign key, and only the
    rows found are joined back (docs/PERFORMANCE.md has the figures)."""
    first, *others = (queryset.order_by() for queryset in querysets)
    return Q(pk__in=first.union(*others))

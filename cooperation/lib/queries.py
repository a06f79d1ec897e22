"""Query helpers the apps share."""

import contextlib

from django.db import connection, connections
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.lookups import IsNull

# The alias a broad search leaves on its queryset: the share of rows it matched in its sample,
# which the lists' count (cooperation/lib/listing.py) applies to the planner's estimate.
SEARCH_SHARE = "search_share"
# How many of the newest rows a search tests to see how broad it is.
SAMPLE_ROWS = 200
# The rows a list's page shows: what a search's cost is weighed for unless told another number
# (the global search shows a few of each kind).
PAGE_ROWS = 50
# Testing each row in the list's order costs about this many times as much per row as finding
# a match through an index and the union.
ROW_TEST_COST = 5


def pk_in_any(*querysets: QuerySet) -> Q:
    """Q(pk__in=…) over the union of the ids the querysets give (each a values() of one column):
    a search whose "or" spans several indexed columns and other tables.

    Written as one filter with an OR over an EXISTS, PostgreSQL reads the whole table and tests
    each row; each branch of a UNION uses its own index, a trigram or a foreign key, and only the
    rows found are joined back (docs/PERFORMANCE.md has the figures)."""
    first, *others = (queryset.order_by() for queryset in querysets)
    return Q(pk__in=first.union(*others))


def search_any(
    queryset: QuerySet, own: list[Q], related: list[tuple[QuerySet, str]], *, rows: int = PAGE_ROWS
) -> QuerySet:
    """The rows of `queryset` that match one of the conditions `own` on the model's own columns,
    or that a row of one of `related` points to (each a queryset of another model already
    filtered, with the name of its column that holds this model's id).

    Two ways to find them, chosen by how many rows match, which the newest SAMPLE_ROWS rows tell
    (one query). Few: the union of one query per condition, each through its index (pk_in_any),
    which reads every match. Many ("univ", "a"): every condition tested on each row in the list's
    own order, a related one as a subquery that stops at its first row, so that a page of `rows`
    rows reads about rows / share rows, never all the matches; the queryset then carries the share
    (SEARCH_SHARE) for its count. The union is kept while it reads fewer rows than that would
    cost (ROW_TEST_COST); on SQLite always."""
    model = queryset.model
    found = [
        *(model._default_manager.filter(condition).values("pk") for condition in own),
        *(related_rows.values(link) for related_rows, link in related),
    ]
    union = pk_in_any(*found)
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.filter(union)
    each_row = Q()
    for condition in own:
        each_row |= condition
    for related_rows, link in related:
        first = related_rows.filter(**{link: OuterRef("pk")}).order_by().values(link)[:1]
        # A scalar subquery, not EXISTS: PostgreSQL would hash every match of an EXISTS first.
        each_row |= Q(IsNull(Subquery(first), False))
    table = connection.ops.quote_name(model._meta.db_table)
    # The newest rows read backwards through the primary key, each tested in a subquery of the
    # aggregate (as `pk IN (the newest)`, PostgreSQL hashed them and read the whole table).
    newest = model._default_manager.order_by("-pk").annotate(
        matches=ExpressionWrapper(each_row, output_field=BooleanField()),
        # The table's size as the planner knows it (no count): negative before any ANALYZE.
        planned=RawSQL("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table], output_field=FloatField()),
    )[:SAMPLE_ROWS]
    sample = newest.aggregate(sampled=Count("pk"), matched=Count("pk", filter=Q(matches=True)), size=Max("planned"))
    if not sample["sampled"] or not sample["matched"]:
        return queryset.filter(union)
    share = sample["matched"] / sample["sampled"]
    size = max(sample["size"] or 0, sample["sampled"])
    matches, rows_read = share * size, rows / share
    if matches < ROW_TEST_COST * rows_read:
        return queryset.filter(union)
    return queryset.alias(**{SEARCH_SHARE: Value(share)}).filter(each_row)


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

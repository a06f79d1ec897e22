"""The dashboard's kept counts (cooperation/dashboard/tallies.py says what they count and when
they move): how many records a figure counts, under one filter, in one period, per part."""

from django.db import models


class Tally(models.Model):
    """A change to how many records `figure` counts under `scope` (no filter, or one: a unit, a country, a
    region, a kind of partner) in `bucket` (a month, a year, an academic year, or a day a stock
    is taken on), for one `part` of it (a kind of agreement, a country, a direction)."""

    figure = models.CharField(max_length=24)
    scope = models.CharField(max_length=48, blank=True)  # "": no filter
    bucket = models.CharField(max_length=16)
    part = models.CharField(max_length=48, blank=True)  # "": a partner without a country
    total = models.IntegerField()

    class Meta:
        # Rows are appended, one per change (tallies.recount), and summed when read: no write waits
        # for another's row. The worker sums them up now and then (tallies.compact).
        indexes = [models.Index(fields=["figure", "scope", "bucket"], include=["part", "total"], name="tally_reading")]

    def __str__(self) -> str:
        return f"{self.figure} {self.scope or '*'} {self.bucket} {self.part}: {self.total}"


class TallyMark(models.Model):
    """What one record is counted as in the tallies now (its signature: the values the counts
    depend on), so that a write takes back exactly what the record counted before it."""

    source = models.CharField(max_length=16)
    row_id = models.BigIntegerField()
    signature = models.JSONField(null=True, blank=True)  # None: counted nowhere

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "row_id"], name="tally_mark_row")]

    def __str__(self) -> str:
        return f"{self.source} {self.row_id}"

"""`id__in` that leaves out numbers no integer column can hold.

Django already answers `id=9223372036854775808` with "no such row"; `id__in=[…]` passes the number
to the database, where SQLite cannot bind it (OverflowError, a 500) and PostgreSQL compares it as
a numeric. A form's multi-select (or any list filter) sent such a number is then refused like any
unknown id, on every field at once.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField
from django.db.models.lookups import In


class InWithinRange(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            within = [
                value
                for value in self.rhs
                if not isinstance(value, int) or (low is None or value >= low) and (high is None or value <= high)
            ]
            if not within:
                raise EmptyResultSet
            self.rhs = within
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(InWithinRange)

"""Demo data: the five seed news items in full, and enough around them for every page and chart.

The seeds (/work/shared/seeds, see DOMAIN.md) come from several Kazakh universities: Astana IT
University, METU, Astana International University and ALT University. In the demo they all become
the one home university (settings.HOME_INSTITUTION_NAME) and its faculties, so that one portal
shows every case; their own people and partners are kept as the news items name them.

Around the seeds: about forty partners in eighteen countries, sixty agreements from 2012 on, thirty
visits, ten programs and about 150 people in them. What must be "soon" (agreements expiring, the
next delegation, an overdue follow-up action, deadlines) is placed relative to today, so the
dashboard and the reminders always have something to show; the rest has fixed dates. Generated
data comes from a fixed random seed, so every run produces the same records.

The data is in the YAML files of data/, one per kind of record (units, users, partners, people,
agreements, visits, programs), each saying at its top what its fields mean; specs.py reads them
(and generates what is generated), loader.py writes them. bulk.py makes synthetic data in bulk for
benchmarks (`manage.py seed_bulk`), from the word lists of data/bulk/.

Loading is idempotent: each row is found by a natural key (a name, a title, a title and an academic
year, a parent and a name) and saved only when one of its values differs. A second run on the same
day therefore writes nothing: no new rows, no new history records, no changed `updated_at`.
"""

from cooperation.demo.loader import DEFAULT_PASSWORD, DemoSummary, demo_load

__all__ = ("DEFAULT_PASSWORD", "DemoSummary", "demo_load")

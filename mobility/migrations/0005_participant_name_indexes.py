from django.db import migrations, models

from cooperation.lib.migrations import trigram_index


class Migration(migrations.Migration):
    dependencies = [
        ("mobility", "0004_participant_starts_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(fields=["full_name", "id"], name="participant_name_id"),
        ),
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(fields=["kind"], name="participant_kind"),
        ),
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(fields=["status"], name="participant_status"),
        ),
        migrations.AddIndex(
            model_name="program",
            index=models.Index(fields=["title"], name="program_title"),
        ),
        # PostgreSQL only: the participants list's name search, full_name__icontains.
        trigram_index("participant_name_trgm", "mobility_participant", "UPPER(full_name)"),
    ]

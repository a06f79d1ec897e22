"""The three roles as groups: International office, Faculty coordinator, Rector's office."""

from django.db import migrations

from cooperation.roles import sync_role_permissions


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0001_initial"),
        ("partners", "0001_initial"),
        ("agreements", "0002_areas_of_cooperation"),
        ("mobility", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]

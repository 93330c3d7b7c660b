"""Create the admin, operator, reviewer and viewer groups with their permissions."""

from django.db import migrations


def create_role_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from craigleads.roles import sync_role_groups

    # Permissions are normally created after migrate; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_role_groups(apps)


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["admin", "operator", "reviewer", "viewer"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("craigleads", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("leads", "0001_initial"),
        ("qualification", "0001_initial"),
        ("responses", "0001_initial"),
        ("learning", "0001_initial"),
        ("memory", "0001_initial"),
        ("scraping", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]

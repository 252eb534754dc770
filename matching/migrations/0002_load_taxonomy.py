from django.db import migrations


def load(apps, schema_editor):
    from matching.taxonomy_load import load_taxonomy

    load_taxonomy(
        skill_model=apps.get_model("matching", "Skill"),
        relation_model=apps.get_model("matching", "SkillRelation"),
        cause_model=apps.get_model("matching", "Cause"),
        default_model=apps.get_model("matching", "NeedCategorySkill"),
    )


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_taxonomy")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

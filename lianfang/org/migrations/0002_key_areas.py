from django.db import migrations

# DOMAIN.md §1: the seven key areas. Their codes are relied on (e.g. the principal-leader
# finding), so they are built in; labels can be edited in the data dictionary.
KEY_AREAS = [
    ("approval", "行政审批"),
    ("enforcement", "行政执法"),
    ("personnel", "人事管理"),
    ("finance", "财务管理"),
    ("procurement", "物资采购"),
    ("construction", "基建项目管理"),
    ("logistics", "后勤保障"),
]


def seed(apps, schema_editor):
    DictType = apps.get_model("core", "DictType")
    DictItem = apps.get_model("core", "DictItem")
    dict_type, _ = DictType.objects.get_or_create(
        code="key_area", defaults={"name": "重点领域", "description": "岗位、部门和分管领导涉及的重点领域"}
    )
    for sort, (code, label) in enumerate(KEY_AREAS, start=1):
        DictItem.objects.get_or_create(
            dict_type=dict_type, code=code, defaults={"label": label, "sort": sort, "builtin": True}
        )


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

from django.db import migrations

# DOMAIN.md §4: the ten categories. Their codes are relied on (penalty items carry discretion
# standards, the code's type segment), so they are built in; a bureau renames the labels to its
# local aliases (行政监督, 行政审批, …) in the data dictionary.
CATEGORIES = [
    ("license", "行政许可"),
    ("penalty", "行政处罚"),
    ("coercion", "行政强制"),
    ("levy", "行政征收"),
    ("benefit", "行政给付"),
    ("inspection", "行政检查"),
    ("confirmation", "行政确认"),
    ("reward", "行政奖励"),
    ("adjudication", "行政裁决"),
    ("other", "其他行政权力"),
]


def seed(apps, schema_editor):
    DictType = apps.get_model("core", "DictType")
    DictItem = apps.get_model("core", "DictItem")
    dict_type, _ = DictType.objects.get_or_create(
        code="power_category",
        defaults={"name": "权力类别", "description": "权力清单的事项类别，名称可改为本地习惯叫法"},
    )
    for sort, (code, label) in enumerate(CATEGORIES, start=1):
        DictItem.objects.get_or_create(
            dict_type=dict_type, code=code, defaults={"label": label, "sort": sort, "builtin": True}
        )


class Migration(migrations.Migration):
    dependencies = [("powers", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

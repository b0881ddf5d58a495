from django.db import migrations

CELLS = [[3, 3, 3, 2], [3, 2, 2, 1], [3, 2, 1, 1], [2, 1, 1, 1]]
LIKELIHOOD = ["很少发生", "偶尔发生", "较可能发生", "很可能发生"]
IMPACT = ["轻微（单位内部可解决）", "较重（违反规定）", "严重（党纪政纪处分）", "特别严重（可能构成犯罪）"]


def seed(apps, schema_editor):
    GradingMatrix = apps.get_model("risks", "GradingMatrix")
    if not GradingMatrix.objects.exists():
        GradingMatrix.objects.create(
            name="4×4 风险矩阵",
            cells=CELLS,
            likelihood_labels=LIKELIHOOD,
            impact_labels=IMPACT,
            is_active=True,
        )


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

from django.db import migrations


def seed(apps, schema_editor):
    from mhsip.measures.seed import SEED_MEASURES

    Measure = apps.get_model("measures", "Measure")
    AuditLog = apps.get_model("audit", "AuditLog")
    for spec in SEED_MEASURES:
        measure, created = Measure.objects.get_or_create(slug=spec["slug"], defaults=spec)
        if created:
            AuditLog.objects.create(
                actor_label="system:migration:measures.0002",
                action="create",
                object_type="measures.measure",
                object_id=str(measure.pk),
                object_repr=measure.name,
                changes={k: [None, v] for k, v in spec.items()},
                reason="seed measure library",
            )


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial"), ("audit", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

from django.db import migrations


def seed(apps, schema_editor):
    """The change-idea catalogue (mhsip.improvement.seed), one audit row per idea (ADR 0004),
    as measures.0002 seeds the measure library."""
    from mhsip.improvement.seed import SEED_CHANGE_IDEAS

    ChangeIdea = apps.get_model("improvement", "ChangeIdea")
    AuditLog = apps.get_model("audit", "AuditLog")
    for spec in SEED_CHANGE_IDEAS:
        idea, created = ChangeIdea.objects.get_or_create(slug=spec["slug"], defaults=spec)
        if created:
            AuditLog.objects.create(
                actor_label="system:migration:improvement.0002",
                action="create",
                object_type="improvement.changeidea",
                object_id=str(idea.pk),
                object_repr=idea.name,
                changes={k: [None, v] for k, v in spec.items()},
                reason="seed change-idea catalogue (domain brief §4)",
            )


class Migration(migrations.Migration):
    dependencies = [("improvement", "0001_initial"), ("audit", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

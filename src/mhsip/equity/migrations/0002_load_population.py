"""Load the bundled population table and trust catchments (reference data; see
mhsip.equity.population for the source and derivation). One audit summary row per table."""

from django.db import migrations


def load(apps, schema_editor):
    from mhsip.equity.population import (
        BUNDLED_CATCHMENTS,
        BUNDLED_POPULATION,
        read_catchments_csv,
        read_population_csv,
    )

    PopulationEstimate = apps.get_model("equity", "PopulationEstimate")
    TrustCatchment = apps.get_model("equity", "TrustCatchment")
    AuditLog = apps.get_model("audit", "AuditLog")
    rows = read_population_csv(BUNDLED_POPULATION.read_text(encoding="utf-8"))
    PopulationEstimate.objects.bulk_create(
        PopulationEstimate(**{f: getattr(r, f) for f in r.__dataclass_fields__}) for r in rows
    )
    catchments = read_catchments_csv(BUNDLED_CATCHMENTS.read_text(encoding="utf-8"))
    TrustCatchment.objects.bulk_create(
        TrustCatchment(trust_ods_code=c.trust_ods_code, area_code=c.area_code, note=c.note)
        for c in catchments
    )
    for model, count in (("populationestimate", len(rows)), ("trustcatchment", len(catchments))):
        AuditLog.objects.create(
            actor_label="system:migration:equity.0002",
            action="bulk_create",
            object_type=f"equity.{model}",
            object_repr=f"{count:,} rows",
            changes={"count": count},
            reason="bundled population table (Census 2021 via NHS England MHA statistics)",
        )


def unload(apps, schema_editor):
    apps.get_model("equity", "PopulationEstimate").objects.all().delete()
    apps.get_model("equity", "TrustCatchment").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("equity", "0001_initial"), ("audit", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]

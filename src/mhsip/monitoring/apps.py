from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Sexual-safety and AWOL / inpatient-death monitoring: aggregates, not records (issue 7)."""

    name = "mhsip.monitoring"
    label = "monitoring"
    verbose_name = "Safety monitoring"

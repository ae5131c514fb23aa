from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The annual report and the monthly ward pack, generated in the background (issue 7)."""

    name = "mhsip.reports"
    label = "reports"
    verbose_name = "Reports"

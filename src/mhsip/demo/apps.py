from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The deterministic demo collaborative (``/work/shared/brief/synthetic-data.md``)."""

    name = "mhsip.demo"
    label = "demo"
    verbose_name = "Demo collaborative"

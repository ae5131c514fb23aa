from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "mhsip.measures"
    label = "measures"
    verbose_name = "Measures, charts and annotations"

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "mhsip.imports"
    label = "imports"
    verbose_name = "Imports from incident systems, and API tokens"

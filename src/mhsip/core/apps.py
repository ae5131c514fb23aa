from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mhsip.core"
    label = "core"
    verbose_name = "Service shell"

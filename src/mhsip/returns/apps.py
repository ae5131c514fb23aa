from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "mhsip.returns"
    label = "returns"
    verbose_name = "Weekly ward returns"

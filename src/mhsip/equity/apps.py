from django.apps import AppConfig


class EquityConfig(AppConfig):
    name = "mhsip.equity"
    label = "equity"
    verbose_name = "Equity and Use of Force Act statistics"

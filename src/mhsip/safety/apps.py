from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "mhsip.safety"
    label = "safety"
    verbose_name = "Sexual safety, AWOL and inpatient deaths"

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mhsip.audit"
    label = "audit"
    verbose_name = "Audit log"

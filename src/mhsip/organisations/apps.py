from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "mhsip.organisations"
    label = "organisations"
    verbose_name = "Trusts, sites, wards and the collaborative"

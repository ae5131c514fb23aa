from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mhsip.accounts"
    label = "accounts"
    verbose_name = "Users and roles"

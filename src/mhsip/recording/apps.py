from django.apps import AppConfig


class RecordingConfig(AppConfig):
    name = "mhsip.recording"
    label = "recording"
    verbose_name = "Patients, stays and occupied bed days"

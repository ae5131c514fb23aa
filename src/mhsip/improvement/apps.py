from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    """QI projects, driver diagrams, the change-idea catalogue, PDSA cycles, the collaborative
    calendar and progress (issue 6, items 1-6 and 8; domain brief §3, §4 and §8)."""

    name = "mhsip.improvement"
    label = "improvement"
    verbose_name = "Improvement: projects, driver diagrams and PDSA cycles"

    def ready(self) -> None:
        from mhsip.improvement import demo

        demo.register()

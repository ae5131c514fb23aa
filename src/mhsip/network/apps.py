from django.apps import AppConfig


class NetworkConfig(AppConfig):
    """The safety network: members, meetings, involvement and "get in touch" (issue 6 item 7)."""

    name = "mhsip.network"
    label = "network"
    verbose_name = "Safety network"

    def ready(self) -> None:
        from mhsip.demo.load import register_reset_step, register_step
        from mhsip.network.demo import delete_network_demo, load_network

        register_step(load_network)
        register_reset_step(delete_network_demo)

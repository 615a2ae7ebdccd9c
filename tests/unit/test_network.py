"""The base URL phones and screen PCs use to reach the hub (tickets' QR, enrolment links)."""

from __future__ import annotations

import ipaddress

from core.adapters.network import lan_address, public_base_url
from core.config import Settings


def test_the_public_url_setting_wins() -> None:
    # GIVEN a hall behind its HTTPS proxy WHEN the base URL is asked THEN it is the setting's
    settings = Settings(host="0.0.0.0", public_url="https://hallq.hall.lan/")
    assert public_base_url(settings) == "https://hallq.hall.lan"


def test_a_hub_on_one_address_is_reached_there() -> None:
    # GIVEN a hub listening on one address WHEN the base URL is asked THEN it is that address
    assert public_base_url(Settings(host="192.168.10.5", port=8080)) == "http://192.168.10.5:8080"


def test_a_hub_on_every_interface_is_reached_at_its_lan_address() -> None:
    # GIVEN a hub listening on 0.0.0.0 (no address a phone can open)
    settings = Settings(host="0.0.0.0", port=8000)
    # WHEN the base URL is asked
    url = public_base_url(settings)
    # THEN it is this machine's real address on its network
    address = ipaddress.ip_address(lan_address())
    assert not address.is_unspecified
    assert url == f"http://{address}:8000"

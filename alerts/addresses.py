"""Where a webhook may post: public addresses, unless the operator allows the company
network too (a team chat on an internal server)."""

import ipaddress
import socket
import urllib.parse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def refused_address(url: str) -> str:
    """Why ``url`` may not be posted to, or "": a host that is (or resolves to) a private,
    loopback, link-local or otherwise non-public address, unless those are allowed. A rule's
    webhook must not turn the server into a way into its own network."""
    if settings.ALERT_WEBHOOK_PRIVATE_NETWORKS:
        return ""
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return ""  # unknown host: the POST itself fails and says so
    for address in sorted(addresses):
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            return _(
                "%(host)s is a private or local address (%(address)s): webhooks go to public "
                "addresses unless ALERT_WEBHOOK_PRIVATE_NETWORKS is set."
            ) % {"host": host, "address": address}
    return ""


def validate_public_address(url: str) -> None:
    """A rule's webhook: refused where refused_address gives a reason."""
    if url and (reason := refused_address(url)):
        raise ValidationError(reason)

"""allauth's adapter, with the client address taken as accounts.client_ip decides (trusted proxies only).

Kept apart from accounts/adapters.py so that the mail behaviour there and the address rule here stay separate;
ACCOUNT_ADAPTER points at this class.
"""

from django.core.exceptions import PermissionDenied

from .adapters import AccountAdapter
from .client_ip import client_ip


class ClientIPAccountAdapter(AccountAdapter):
    def get_client_ip(self, request) -> str:
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

"""API authentication by the hashed tokens of cooperation.api.models.ApiToken.

A subclass of DRF's TokenAuthentication for its header parsing ("Authorization: Token <key>")
and its 401 answer with WWW-Authenticate; drf-spectacular documents it as the token scheme.
Only the lookup differs: DRF's own tokens are stored as they are, ours as hashes."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from cooperation.api.models import ApiToken
from cooperation.api.tokens import token_touch


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = ApiToken.objects.find(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.is_revoked:
            raise exceptions.AuthenticationFailed(_("This token was revoked. Make a new one on your calendar page."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token's user is deactivated."))
        token_touch(token=token)
        return token.user, token

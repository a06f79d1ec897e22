"""Who may read the API: the three roles, which read everything in the portal too."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from cooperation.lib.permissions import is_coordinator, is_office, is_rector_office


class ReadsThePortal(BasePermission):
    """The international office, faculty coordinators and the rector's office, reading only.
    Anyone else logged in (a user with no role) is refused with 403; an anonymous caller gets
    401 from the authentication before this is asked."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS and (is_office(user) or is_coordinator(user) or is_rector_office(user))

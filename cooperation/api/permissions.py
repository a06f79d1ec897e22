"""Who may read the API: the three roles, which read everything in the portal too."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from cooperation.lib.permissions import holds_a_role


class ReadsThePortal(BasePermission):
    """The international office, faculty coordinators and the rector's office, reading only.
    Anyone else logged in (a user with no role) is refused with 403; an anonymous caller gets
    401 from the authentication before this is asked."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS and bool(request.user) and holds_a_role(request.user)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "cooperation"
    verbose_name = _("Visits and events")

    def ready(self):
        from cooperation import activity
        from cooperation.dashboard import cache as dashboard_cache
        from cooperation.lib import lookups, protection

        lookups.register()  # an id too big for any column is an unknown id, not a 500
        protection.connect()  # a partner or agreement others link to is never deleted silently
        dashboard_cache.connect()  # a changed record makes the cached dashboards stale
        activity.connect()  # a written visit or participant moves its agreements' last activity

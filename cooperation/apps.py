from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "cooperation"
    verbose_name = _("Visits and events")

    def ready(self):
        from cooperation.lib.i18n import install_language_fallbacks

        install_language_fallbacks()

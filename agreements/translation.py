import simple_history
from modeltranslation.translator import TranslationOptions, register

from agreements.models import AreaOfCooperation


@register(AreaOfCooperation)
class AreaOfCooperationTranslationOptions(TranslationOptions):
    fields = ("name",)


# After the translation registration, never as HistoricalRecords() on the model (see
# partners/translation.py).
simple_history.register(AreaOfCooperation)

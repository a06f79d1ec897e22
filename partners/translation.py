import simple_history
from modeltranslation.translator import TranslationOptions, register

from partners.models import Tag, Unit


@register(Unit)
class UnitTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Tag)
class TagTranslationOptions(TranslationOptions):
    fields = ("name",)


# History is registered here, after the translation fields exist: a HistoricalRecords() on
# a translated model fails on save (django-simple-history with django-modeltranslation).
simple_history.register(Unit)

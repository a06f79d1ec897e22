from django.conf import settings


def portal(request):
    return {"HOME_INSTITUTION_NAME": settings.HOME_INSTITUTION_NAME}

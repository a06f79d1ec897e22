"""The controlled list of areas of cooperation (DOMAIN.md), in English, Russian and Kazakh."""

from django.db import migrations

AREAS = [
    (
        "joint_programs",
        "Joint educational programs",
        "Совместные образовательные программы",
        "Бірлескен білім беру бағдарламалары",
    ),
    (
        "student_mobility",
        "Academic mobility of students",
        "Академическая мобильность студентов",
        "Студенттердің академиялық ұтқырлығы",
    ),
    (
        "staff_mobility",
        "Academic mobility of staff",
        "Академическая мобильность сотрудников",
        "Қызметкерлердің академиялық ұтқырлығы",
    ),
    (
        "internships",
        "Internships and practical training",
        "Стажировки и практика",
        "Тағылымдамалар мен кәсіптік практика",
    ),
    ("joint_research", "Joint research", "Совместные научные исследования", "Бірлескен ғылыми зерттеулер"),
    ("conferences", "Conferences", "Конференции", "Конференциялар"),
    ("summer_schools", "Summer schools", "Летние школы", "Жазғы мектептер"),
    ("guest_lectures", "Guest lectures", "Гостевые лекции", "Қонақ дәрістер"),
    ("double_degree", "Double degree", "Двудипломное образование", "Қос дипломды білім беру"),
    ("diploma_recognition", "Diploma recognition", "Признание дипломов", "Дипломдарды тану"),
    ("job_fairs", "Job fairs", "Ярмарки вакансий", "Бос жұмыс орындары жәрмеңкелері"),
    (
        "foundation_programs",
        "Foundation programs",
        "Подготовительные программы (Foundation)",
        "Дайындық бағдарламалары (Foundation)",
    ),
    ("shared_laboratories", "Shared laboratories", "Совместные лаборатории", "Бірлескен зертханалар"),
    ("experience_exchange", "Exchange of experience and staff", "Обмен опытом и кадрами", "Тәжірибе және кадр алмасу"),
    ("innovation_projects", "Innovation projects", "Инновационные проекты", "Инновациялық жобалар"),
    (
        "career_promotion",
        "Promoting professions among young people",
        "Популяризация профессий среди молодёжи",
        "Жастар арасында мамандықтарды насихаттау",
    ),
]


def create_areas(apps, schema_editor):
    AreaOfCooperation = apps.get_model("agreements", "AreaOfCooperation")
    for order, (code, english, russian, kazakh) in enumerate(AREAS, start=1):
        AreaOfCooperation.objects.update_or_create(
            code=code,
            defaults={"order": order, "name": english, "name_en": english, "name_ru": russian, "name_kk": kazakh},
        )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]

    operations = [migrations.RunPython(create_areas, migrations.RunPython.noop)]

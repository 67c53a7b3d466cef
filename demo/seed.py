"""The demo contest: the CCM "Youth for Humanitarian Disarmament" Youth Multimedia Contest.

Texts follow the call published by the Convention on Cluster Munitions
Implementation Support Unit, in the six UN languages.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from contest import registration
from contest.enums import AgeReference, ContestStatus, MediaKind, Role
from contest.models import Category, Contest, ContestRole, Registration, Theme

SLUG = "ccm-youth-multimedia-contest"
TIME_ZONE = "Europe/Zurich"  # The Convention's Implementation Support Unit works from Geneva.
DEMO_PASSWORD = "voices-demo"
MB = 1024 * 1024

CONTEST_TEXTS = {
    "title": {
        "en": "Youth for Humanitarian Disarmament: Youth Multimedia Contest",
        "fr": "La jeunesse pour le désarmement humanitaire : concours multimédia pour les jeunes",
        "es": "Juventud por el Desarme Humanitario: Concurso Multimedia Juvenil",
        "ru": "Молодёжь за гуманитарное разоружение: молодёжный мультимедийный конкурс",
        "ar": "الشباب من أجل نزع السلاح الإنساني: مسابقة الوسائط المتعددة للشباب",
        "zh_hans": "青年促进人道主义裁军：青年多媒体竞赛",
    },
    "summary": {
        "en": "Young people aged 18–29: share your thinking, insights and perspectives on how the unacceptable harm "
        "caused by cluster munitions impacts lives, in a video, a photograph, an artwork, an essay or a podcast.",
        "fr": "Jeunes de 18 à 29 ans : partagez vos réflexions, vos idées et vos points de vue sur la façon dont les "
        "préjudices inacceptables causés par les armes à sous-munitions touchent des vies, par une vidéo, une "
        "photographie, une œuvre d'art, un essai ou un podcast.",
        "es": "Jóvenes de 18 a 29 años: compartan sus ideas, reflexiones y perspectivas sobre cómo el daño inaceptable "
        "causado por las municiones en racimo afecta vidas, con un vídeo, una fotografía, una obra de arte, un ensayo "
        "o un pódcast.",
        "ru": "Молодые люди от 18 до 29 лет: поделитесь своими мыслями, идеями и взглядами на то, как неприемлемый "
        "вред от кассетных боеприпасов сказывается на жизни людей, — в видео, фотографии, произведении искусства, "
        "эссе или подкасте.",
        "ar": "أيها الشباب من سن 18 إلى 29 عامًا: شاركوا أفكاركم ورؤاكم ووجهات نظركم حول كيف يؤثر الضرر غير المقبول "
        "الناجم عن الذخائر العنقودية في حياة الناس، من خلال مقطع فيديو أو صورة فوتوغرافية أو عمل فني أو مقال أو "
        "بودكاست.",
        "zh_hans": "18至29岁的青年：通过视频、摄影、艺术作品、文章或播客，分享你对集束弹药造成的不可接受的伤害如何影响"
        "人们生活的思考、见解和观点。",
    },
    "call_text": {
        "en": "Calling all youth changemakers! We want to hear your voice.\n\n"
        "Together with the European Union, the Mexican Presidency of the Convention on Cluster Munitions invites "
        "young people, aged 18–29, to share their thinking, insights and perspectives on how the unacceptable harm "
        "caused by cluster munitions impacts lives.\n\n"
        "The Convention prohibits all use, production, transfer and stockpiling of cluster munitions. It was "
        "adopted on 30 May 2008 and entered into force on 1 August 2010; 112 States are parties to it and 12 more "
        "have signed it. Use your voice to help save lives.",
        "fr": "Appel à toutes les jeunes personnes qui veulent faire bouger les choses ! Nous voulons entendre votre voix.\n\n"
        "Avec l'Union européenne, la présidence mexicaine de la Convention sur les armes à sous-munitions invite "
        "les jeunes de 18 à 29 ans à partager leurs réflexions, leurs idées et leurs points de vue sur la façon dont "
        "les préjudices inacceptables causés par les armes à sous-munitions touchent des vies.\n\n"
        "La Convention interdit l'emploi, la production, le transfert et le stockage des armes à sous-munitions. "
        "Adoptée le 30 mai 2008, elle est entrée en vigueur le 1er août 2010 ; 112 États y sont parties et 12 autres "
        "l'ont signée. Faites entendre votre voix pour aider à sauver des vies.",
        "es": "¡Llamamos a toda la juventud que impulsa el cambio! Queremos escuchar tu voz.\n\n"
        "Junto con la Unión Europea, la Presidencia mexicana de la Convención sobre Municiones en Racimo invita a "
        "jóvenes de 18 a 29 años a compartir sus ideas, reflexiones y perspectivas sobre cómo el daño inaceptable "
        "causado por las municiones en racimo afecta vidas.\n\n"
        "La Convención prohíbe todo empleo, producción, transferencia y almacenamiento de municiones en racimo. "
        "Se adoptó el 30 de mayo de 2008 y entró en vigor el 1 de agosto de 2010; 112 Estados son partes y otros 12 "
        "la han firmado. Usa tu voz para ayudar a salvar vidas.",
        "ru": "Призываем всех молодых людей, которые меняют мир! Мы хотим услышать ваш голос.\n\n"
        "Вместе с Европейским союзом мексиканское председательство Конвенции по кассетным боеприпасам приглашает "
        "молодых людей в возрасте от 18 до 29 лет поделиться своими мыслями, идеями и взглядами на то, как "
        "неприемлемый вред от кассетных боеприпасов сказывается на жизни людей.\n\n"
        "Конвенция запрещает любое применение, производство, передачу и накопление кассетных боеприпасов. Она была "
        "принята 30 мая 2008 года и вступила в силу 1 августа 2010 года; её участниками являются 112 государств, "
        "ещё 12 её подписали. Используйте свой голос, чтобы помочь спасти жизни.",
        "ar": "دعوة إلى جميع الشباب صنّاع التغيير! نريد أن نسمع صوتكم.\n\n"
        "بالاشتراك مع الاتحاد الأوروبي، تدعو الرئاسة المكسيكية لاتفاقية الذخائر العنقودية الشباب من سن 18 إلى 29 "
        "عامًا إلى مشاركة أفكارهم ورؤاهم ووجهات نظرهم حول كيف يؤثر الضرر غير المقبول الناجم عن الذخائر العنقودية في "
        "حياة الناس.\n\n"
        "تحظر الاتفاقية استعمال الذخائر العنقودية وإنتاجها ونقلها وتخزينها. اعتُمدت في 30 أيار/مايو 2008 ودخلت حيز "
        "النفاذ في 1 آب/أغسطس 2010؛ والدول الأطراف فيها 112 دولة، ووقّعت عليها 12 دولة أخرى. استخدموا صوتكم للمساعدة "
        "في إنقاذ الأرواح.",
        "zh_hans": "呼吁所有推动变革的青年！我们想听到你的声音。\n\n"
        "墨西哥作为《集束弹药公约》主席国，与欧洲联盟一道，邀请18至29岁的青年分享他们对集束弹药造成的不可接受的伤害"
        "如何影响人们生活的思考、见解和观点。\n\n"
        "《公约》禁止使用、生产、转让和储存集束弹药。《公约》于2008年5月30日通过，2010年8月1日生效；"
        "现有112个缔约国，另有12个签署国。用你的声音帮助拯救生命。",
    },
    "organisers": {
        "en": "Mexican Presidency of the Convention on Cluster Munitions",
        "fr": "Présidence mexicaine de la Convention sur les armes à sous-munitions",
        "es": "Presidencia mexicana de la Convención sobre Municiones en Racimo",
        "ru": "Мексиканское председательство Конвенции по кассетным боеприпасам",
        "ar": "الرئاسة المكسيكية لاتفاقية الذخائر العنقودية",
        "zh_hans": "《集束弹药公约》主席国墨西哥",
    },
    "partners": {
        "en": "the European Union",
        "fr": "l'Union européenne",
        "es": "la Unión Europea",
        "ru": "Европейского союза",
        "ar": "الاتحاد الأوروبي",
        "zh_hans": "欧洲联盟",
    },
    "rules_text": {
        "en": "1. Entrants must be 18–29 years old on the closing date.\n"
        "2. Each entrant may send up to three entries, each in one theme and one category.\n"
        "3. The work must be your own. You must hold the rights to any music, footage or images you use, and "
        "every person who can be recognised in your work must agree to appear in it.\n"
        "4. Say whether and how you used artificial intelligence tools.\n"
        "5. The organizers may show winning and shortlisted works, with credit to their makers, to promote the "
        "Convention.",
        "fr": "1. Les participants doivent avoir entre 18 et 29 ans à la date de clôture.\n"
        "2. Chaque participant peut envoyer jusqu'à trois œuvres, chacune dans un thème et une catégorie.\n"
        "3. L'œuvre doit être la vôtre. Vous devez détenir les droits sur toute musique, séquence ou image utilisée, "
        "et chaque personne reconnaissable dans votre œuvre doit avoir accepté d'y figurer.\n"
        "4. Indiquez si et comment vous avez utilisé des outils d'intelligence artificielle.\n"
        "5. Les organisateurs peuvent présenter les œuvres lauréates et présélectionnées, avec le nom de leurs "
        "auteurs, pour promouvoir la Convention.",
        "es": "1. Las personas participantes deben tener entre 18 y 29 años en la fecha de cierre.\n"
        "2. Cada participante puede enviar hasta tres obras, cada una en un tema y una categoría.\n"
        "3. La obra debe ser tuya. Debes tener los derechos de toda música, imagen o grabación que uses, y cada "
        "persona reconocible en tu obra debe aceptar aparecer en ella.\n"
        "4. Indica si usaste herramientas de inteligencia artificial y cómo.\n"
        "5. Los organizadores pueden mostrar las obras ganadoras y preseleccionadas, con el crédito de sus autores, "
        "para promover la Convención.",
        "ru": "1. На дату окончания приёма работ участникам должно быть от 18 до 29 лет.\n"
        "2. Каждый участник может прислать до трёх работ, каждую — в одной теме и одной категории.\n"
        "3. Работа должна быть вашей. У вас должны быть права на всю использованную музыку, видео и изображения, "
        "а каждый узнаваемый в работе человек должен дать согласие на участие.\n"
        "4. Укажите, использовали ли вы инструменты искусственного интеллекта и как.\n"
        "5. Организаторы могут показывать работы победителей и финалистов с указанием авторов для продвижения "
        "Конвенции.",
        "ar": "1. يجب أن يكون عمر المشاركين بين 18 و29 عامًا في تاريخ إغلاق باب المشاركة.\n"
        "2. يجوز لكل مشارك إرسال ما يصل إلى ثلاثة أعمال، كل منها في موضوع واحد وفئة واحدة.\n"
        "3. يجب أن يكون العمل من إنتاجك. ويجب أن تملك حقوق أي موسيقى أو لقطات أو صور تستخدمها، وأن يوافق كل شخص "
        "يمكن التعرف عليه في عملك على الظهور فيه.\n"
        "4. اذكر ما إذا كنت قد استخدمت أدوات الذكاء الاصطناعي وكيف.\n"
        "5. يجوز للمنظمين عرض الأعمال الفائزة والمختارة مع ذكر أسماء أصحابها للترويج للاتفاقية.",
        "zh_hans": "1. 参赛者在截止日期当天须年满18岁且未满30岁。\n"
        "2. 每位参赛者最多可提交三件作品，每件作品选择一个主题和一个类别。\n"
        "3. 作品必须是你自己的。你必须拥有所用音乐、影像或图片的权利，作品中每一位可被识别的人都须同意出镜。\n"
        "4. 请说明你是否以及如何使用了人工智能工具。\n"
        "5. 主办方可署名展示获奖和入围作品，以宣传《公约》。",
    },
}

THEMES = [
    {
        "title": {
            "en": "Cluster munitions and the Sustainable Development Goals",
            "fr": "Les armes à sous-munitions et les objectifs de développement durable",
            "es": "Las municiones en racimo y los Objetivos de Desarrollo Sostenible",
            "ru": "Кассетные боеприпасы и Цели устойчивого развития",
            "ar": "الذخائر العنقودية وأهداف التنمية المستدامة",
            "zh_hans": "集束弹药与可持续发展目标",
        },
        "description": {
            "en": "How cluster munitions impede progress towards the Sustainable Development Goals.",
            "fr": "Comment les armes à sous-munitions entravent les progrès vers les objectifs de développement durable.",
            "es": "Cómo las municiones en racimo obstaculizan el avance hacia los Objetivos de Desarrollo Sostenible.",
            "ru": "Как кассетные боеприпасы мешают продвижению к Целям устойчивого развития.",
            "ar": "كيف تعيق الذخائر العنقودية التقدم نحو تحقيق أهداف التنمية المستدامة.",
            "zh_hans": "集束弹药如何阻碍实现可持续发展目标的进程。",
        },
    },
    {
        "title": {
            "en": "Educating youth saves lives",
            "fr": "Éduquer les jeunes sauve des vies",
            "es": "Educar a la juventud salva vidas",
            "ru": "Просвещение молодёжи спасает жизни",
            "ar": "تثقيف الشباب ينقذ الأرواح",
            "zh_hans": "教育青年拯救生命",
        },
        "description": {
            "en": "How educating youth about cluster munitions saves lives.",
            "fr": "Comment l'éducation des jeunes sur les armes à sous-munitions sauve des vies.",
            "es": "Cómo educar a la juventud sobre las municiones en racimo salva vidas.",
            "ru": "Как просвещение молодёжи о кассетных боеприпасах спасает жизни.",
            "ar": "كيف ينقذ تثقيف الشباب بشأن الذخائر العنقودية الأرواح.",
            "zh_hans": "向青年普及集束弹药知识如何拯救生命。",
        },
    },
    {
        "title": {
            "en": "The ban and humanitarian disarmament",
            "fr": "L'interdiction et le désarmement humanitaire",
            "es": "La prohibición y el desarme humanitario",
            "ru": "Запрет и гуманитарное разоружение",
            "ar": "الحظر ونزع السلاح الإنساني",
            "zh_hans": "禁令与人道主义裁军",
        },
        "description": {
            "en": "How the international ban on the weapon contributes to humanitarian disarmament goals.",
            "fr": "Comment l'interdiction internationale de cette arme contribue aux objectifs du désarmement humanitaire.",
            "es": "Cómo la prohibición internacional de esta arma contribuye a los objetivos del desarme humanitario.",
            "ru": "Как международный запрет этого оружия помогает достижению целей гуманитарного разоружения.",
            "ar": "كيف يسهم الحظر الدولي لهذا السلاح في تحقيق أهداف نزع السلاح الإنساني.",
            "zh_hans": "国际禁止这种武器如何促进人道主义裁军目标。",
        },
    },
]

CATEGORIES = [
    {
        "media_kind": MediaKind.VIDEO,
        "allowed_formats": ["mp4", "mov", "webm"],
        "max_size_bytes": 1024 * MB,
        "max_duration_seconds": 180,
        "title": {
            "en": "Short video",
            "fr": "Vidéo courte",
            "es": "Vídeo corto",
            "ru": "Короткое видео",
            "ar": "فيديو قصير",
            "zh_hans": "短视频",
        },
        "description": {
            "en": "A film of up to three minutes: documentary, animation, fiction or a message to camera.",
            "fr": "Un film de trois minutes au plus : documentaire, animation, fiction ou message face caméra.",
            "es": "Una película de hasta tres minutos: documental, animación, ficción o un mensaje a cámara.",
            "ru": "Фильм продолжительностью до трёх минут: документальный, анимационный, игровой или обращение в камеру.",
            "ar": "فيلم مدته ثلاث دقائق كحد أقصى: وثائقي أو رسوم متحركة أو قصة خيالية أو رسالة أمام الكاميرا.",
            "zh_hans": "不超过三分钟的影片：纪录片、动画、剧情片或面向镜头的讲述。",
        },
    },
    {
        "media_kind": MediaKind.PHOTO,
        "allowed_formats": ["jpg", "jpeg", "png", "webp"],
        "max_size_bytes": 50 * MB,
        "min_long_side_px": 1600,
        "title": {
            "en": "Photography",
            "fr": "Photographie",
            "es": "Fotografía",
            "ru": "Фотография",
            "ar": "التصوير الفوتوغرافي",
            "zh_hans": "摄影",
        },
        "description": {
            "en": "A photograph that tells a story about the theme you chose.",
            "fr": "Une photographie qui raconte une histoire sur le thème choisi.",
            "es": "Una fotografía que cuente una historia sobre el tema que elegiste.",
            "ru": "Фотография, которая рассказывает историю на выбранную тему.",
            "ar": "صورة فوتوغرافية تروي قصة عن الموضوع الذي اخترته.",
            "zh_hans": "一张围绕你所选主题讲述故事的照片。",
        },
    },
    {
        "media_kind": MediaKind.ARTWORK,
        "allowed_formats": ["jpg", "jpeg", "png", "webp", "pdf"],
        "max_size_bytes": 50 * MB,
        "min_long_side_px": 1200,
        "title": {
            "en": "Artwork and illustration",
            "fr": "Œuvre d'art et illustration",
            "es": "Obra de arte e ilustración",
            "ru": "Изобразительное искусство и иллюстрация",
            "ar": "الأعمال الفنية والرسوم التوضيحية",
            "zh_hans": "艺术作品与插画",
        },
        "description": {
            "en": "A drawing, painting, poster, comic or digital illustration, scanned or photographed.",
            "fr": "Un dessin, une peinture, une affiche, une bande dessinée ou une illustration numérique, numérisé ou photographié.",
            "es": "Un dibujo, pintura, cartel, cómic o ilustración digital, escaneado o fotografiado.",
            "ru": "Рисунок, картина, плакат, комикс или цифровая иллюстрация — отсканированные или сфотографированные.",
            "ar": "رسم أو لوحة أو ملصق أو قصة مصورة أو رسم رقمي، ممسوح ضوئيًا أو مصوَّر.",
            "zh_hans": "扫描或拍摄的素描、绘画、海报、漫画或数字插画。",
        },
    },
    {
        "media_kind": MediaKind.ESSAY,
        "allowed_formats": ["pdf"],
        "max_size_bytes": 20 * MB,
        "max_words": 1000,
        "title": {
            "en": "Essay",
            "fr": "Essai",
            "es": "Ensayo",
            "ru": "Эссе",
            "ar": "مقال",
            "zh_hans": "文章",
        },
        "description": {
            "en": "A written piece of up to 1,000 words, typed in the form or sent as a PDF.",
            "fr": "Un texte de 1 000 mots au plus, saisi dans le formulaire ou envoyé en PDF.",
            "es": "Un texto de hasta 1000 palabras, escrito en el formulario o enviado en PDF.",
            "ru": "Текст объёмом до 1000 слов, набранный в форме или отправленный в формате PDF.",
            "ar": "نص مكتوب لا يتجاوز 1000 كلمة، يُكتب في النموذج أو يُرسل بصيغة PDF.",
            "zh_hans": "不超过1000词的文章，可在表格中输入或以PDF提交。",
        },
    },
    {
        "media_kind": MediaKind.AUDIO,
        "allowed_formats": ["mp3", "m4a", "wav", "ogg"],
        "max_size_bytes": 200 * MB,
        "max_duration_seconds": 300,
        "title": {
            "en": "Audio and podcast",
            "fr": "Audio et podcast",
            "es": "Audio y pódcast",
            "ru": "Аудио и подкаст",
            "ar": "الصوت والبودكاست",
            "zh_hans": "音频与播客",
        },
        "description": {
            "en": "A podcast, song, spoken-word piece or radio feature of up to five minutes.",
            "fr": "Un podcast, une chanson, un texte slamé ou un reportage radio de cinq minutes au plus.",
            "es": "Un pódcast, canción, pieza de palabra hablada o reportaje radiofónico de hasta cinco minutos.",
            "ru": "Подкаст, песня, художественное чтение или радиорепортаж продолжительностью до пяти минут.",
            "ar": "بودكاست أو أغنية أو إلقاء شعري أو تقرير إذاعي مدته خمس دقائق كحد أقصى.",
            "zh_hans": "不超过五分钟的播客、歌曲、朗诵或广播专题。",
        },
    },
]

# (email, name, role, date of birth, country, preferred language)
DEMO_PEOPLE = [
    ("organizer@voices.example", "Olivia Organizer", Role.ORGANIZER, date(1985, 3, 14), "CH", "en"),
    ("judge1@voices.example", "Jamal Judge", Role.JUDGE, date(1979, 11, 2), "LB", "ar"),
    ("judge2@voices.example", "Jia Judge", Role.JUDGE, date(1990, 6, 21), "CN", "zh-hans"),
    ("judge3@voices.example", "Juana Judge", Role.JUDGE, date(1982, 1, 9), "MX", "es"),
    ("entrant1@voices.example", "Amira Entrant", Role.ENTRANT, date(2003, 5, 12), "JO", "ar"),
    ("entrant2@voices.example", "Mateo Entrant", Role.ENTRANT, date(2001, 9, 30), "MX", "es"),
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: str


def _translated(texts: dict[str, dict[str, str]]) -> dict[str, str]:
    """{"title": {"en": …}} → {"title_en": …}, plus the plain field in English."""
    fields = {}
    for name, by_language in texts.items():
        fields[name] = by_language["en"]
        for language, text in by_language.items():
            fields[f"{name}_{language}"] = text
    return fields


def fill_contest(contest: Contest, *, year: int, title_suffix: str = "") -> Contest:
    """Give the contest the call's texts, rules, themes and categories (the same in every edition)."""
    texts = {**CONTEST_TEXTS, "title": {lang: text + title_suffix for lang, text in CONTEST_TEXTS["title"].items()}}
    for field, value in _translated(texts).items():
        setattr(contest, field, value)
    contest.min_age, contest.max_age = 18, 29
    contest.age_reference = AgeReference.CLOSING
    contest.max_entries_per_entrant = 3
    contest.reference_prefix = f"CCM-{year}"
    contest.max_team_size = 3
    contest.rules_version = 1
    contest.full_clean()
    contest.save()
    for position, theme in enumerate(THEMES, start=1):
        Theme.objects.update_or_create(contest=contest, position=position, defaults=_translated(theme))
    for position, spec in enumerate(CATEGORIES, start=1):
        texts = {key: spec[key] for key in ("title", "description")}
        limits = {key: value for key, value in spec.items() if key not in texts}
        Category.objects.update_or_create(contest=contest, position=position, defaults={**_translated(texts), **limits})
    return contest


def demo_user(*, email: str, name: str, role: str, born: date, country: str, language: str):
    """The demo person with this email, made once with the demo password and a verified address."""
    user_model = get_user_model()
    profile = {"full_name": name, "date_of_birth": born, "country": country, "preferred_language": language}
    user, created = user_model.objects.get_or_create(email=email, defaults=profile)
    missing = {field: value for field, value in profile.items() if not getattr(user, field)}
    if missing:
        user_model.objects.filter(pk=user.pk).update(**missing)
        user.refresh_from_db()
    if created:
        user.set_password(DEMO_PASSWORD)
        if role == Role.ORGANIZER:
            user.is_staff = True
            user.is_superuser = True
        user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


@transaction.atomic
def seed_demo(*, now: datetime) -> list[DemoLogin]:
    """Create or refresh the open demo contest and its people. Running it twice changes nothing.

    Dates are set only when the contest is first made, so a running demo keeps
    its deadline: it opens a week before today and closes at 23:59 Geneva time
    sixty days after. The past editions are `demo.editions.seed_past_editions`.
    """
    contest = Contest.objects.filter(slug=SLUG).first()
    if contest is None:
        zone = Contest(time_zone=TIME_ZONE).zone
        local_today = now.astimezone(zone).date()
        contest = Contest(
            slug=SLUG,
            time_zone=TIME_ZONE,
            opens_at=datetime.combine(local_today - timedelta(days=7), time(0, 0), tzinfo=zone),
            closes_at=datetime.combine(local_today + timedelta(days=60), time(23, 59), tzinfo=zone),
            status=ContestStatus.OPEN,
        )
    fill_contest(contest, year=contest.opens_at.year)

    logins = []
    for email, name, role, born, country, language in DEMO_PEOPLE:
        user = demo_user(email=email, name=name, role=role, born=born, country=country, language=language)
        ContestRole.objects.get_or_create(contest=contest, user=user, role=role)
        if role == Role.ENTRANT and not Registration.objects.filter(contest=contest, user=user).exists():
            registration.register(contest=contest, user=user, now=now)
        logins.append(DemoLogin(email=email, password=DEMO_PASSWORD, role=role))
    return logins

"""English and Russian versions of the demo content (courses/demo.py), keyed by the Estonian slug or name."""

TOPICS = {
    "Vaimne tervis": {"en": "Mental health", "ru": "Психическое здоровье"},
    "Sõltuvused": {"en": "Addiction", "ru": "Зависимости"},
    "Lähisuhtevägivald": {"en": "Domestic violence", "ru": "Домашнее насилие"},
    "Juhtimine": {"en": "Management", "ru": "Управление"},
    "Digilahendused": {"en": "Digital tools", "ru": "Цифровые решения"},
    "Perede toetamine": {"en": "Family support", "ru": "Поддержка семей"},
    "Turvalisus ja võrgustikutöö": {"en": "Safety and networking", "ru": "Безопасность и сетевая работа"},
    "Kool ja õppimine": {"en": "School and learning", "ru": "Школа и обучение"},
}
TARGET_GROUPS = {
    "Lastekaitsetöötajad": {"en": "Child-protection workers", "ru": "Специалисты по защите детей"},
    "Sotsiaaltöötajad": {"en": "Social workers", "ru": "Социальные работники"},
    "Politseiametnikud": {"en": "Police officers", "ru": "Сотрудники полиции"},
    "Õpetajad": {"en": "Teachers", "ru": "Учителя"},
    "Ohvriabi töötajad": {"en": "Victim-support workers", "ru": "Специалисты помощи жертвам"},
    "Perekeskuste töötajad": {"en": "Family-centre staff", "ru": "Сотрудники семейных центров"},
}
PROVIDERS = {
    "Sotsiaalkindlustusamet": {"en": "Social Insurance Board", "ru": "Департамент социального страхования"},
    "Tervise Arengu Instituut": {"en": "National Institute for Health Development",
                                 "ru": "Институт развития здоровья"},
    "Kagu-Eesti koolituskonsortsium": {"en": "South-East Estonia Training Consortium",
                                       "ru": "Учебный консорциум Юго-Восточной Эстонии"},
}

HOME = {
    "en": {"title": "Oskus", "intro": "Oskus is where child-protection and social workers, police officers, teachers, "
           "victim-support and family-centre staff find trainings, enroll, take part and receive certificates."},
    "ru": {"title": "Oskus", "intro": "Oskus — место, где специалисты по защите детей и социальные работники, "
           "сотрудники полиции, учителя, специалисты помощи жертвам и семейных центров находят обучение, "
           "записываются, участвуют и получают свидетельства."},
}
CATALOGUE = {
    "en": {"title": "Trainings", "intro": "Trainings and development programmes for social-sector specialists."},
    "ru": {"title": "Обучение", "intro": "Обучение и программы развития для специалистов социальной сферы."},
}

FUNDING = {"en": "European Social Fund+ (ESF+) and the state budget",
           "ru": "Европейский социальный фонд+ (ESF+) и государственный бюджет"}
FAQ = {
    "en": {"heading": "Frequently asked questions", "items": [
        ("Is the training free for participants?",
         "Yes. The training is funded by {funding}; the ESF+ share is {share}%."),
        ("When do I get the certificate?",
         "You get the certificate when you have attended at least 80% of the academic hours."),
    ]},
    "ru": {"heading": "Часто задаваемые вопросы", "items": [
        ("Бесплатно ли обучение для участников?",
         "Да. Обучение финансируется из средств: {funding}; доля ESF+ составляет {share}%."),
        ("Когда я получу свидетельство?",
         "Свидетельство выдаётся, если Вы посетили не менее 80% академических часов."),
    ]},
}
CERTIFICATE = {
    "en": "Took part in the training “{title}” of {hours} academic hours.",
    "ru": "Участвовал(а) в обучении «{title}» в объёме {hours} академических часов.",
}

# slug -> language -> title, summary, goals, outcomes, prerequisites, body
COURSES = {
    "eakate-vaimne-tervis": {
        "en": {"title": "Mental health of older people",
               "summary": "Recognising depression, anxiety and memory changes in older people, and supporting them "
                          "and their families.",
               "goals": ["recognise depression, anxiety and memory changes in an older person",
                         "support the older person and their family, and refer them to help when needed"],
               "outcomes": ["the participant recognises the first signs of changes in mental health",
                            "the participant can draw up a support plan together with the older person"]},
        "ru": {"title": "Психическое здоровье пожилых людей",
               "summary": "Как заметить у пожилого человека депрессию, тревожность и изменения памяти и поддержать "
                          "его и его близких.",
               "goals": ["замечать у пожилого человека депрессию, тревожность и изменения памяти",
                         "поддерживать пожилого человека и его близких и при необходимости направлять за помощью"],
               "outcomes": ["участник распознаёт первые признаки изменений психического здоровья",
                            "участник умеет составить план поддержки вместе с пожилым человеком"]},
    },
    "nutikad-abivahendid-ja-it": {
        "en": {"title": "Smart aids and IT in social work",
               "summary": "Smart aids, remote services and IT that help people live independently at home for longer.",
               "goals": ["get to know smart aids and remote services"],
               "outcomes": ["the participant can recommend a suitable aid and remote service"]},
        "ru": {"title": "Умные вспомогательные средства и ИТ в социальной работе",
               "summary": "Умные вспомогательные средства, дистанционные услуги и цифровые решения, которые помогают "
                          "человеку дольше справляться дома.",
               "goals": ["познакомиться с умными вспомогательными средствами и дистанционными услугами"],
               "outcomes": ["участник умеет порекомендовать подходящее вспомогательное средство и дистанционную "
                            "услугу"]},
    },
    "sõltuvusained-ja-sõltuvusega-inimesed": {
        "en": {"title": "Addictive substances and working with people with addictions",
               "summary": "Alcohol, drugs and behavioural addictions: recognition, motivational interviewing and "
                          "referral.",
               "goals": ["understand how addiction develops and notice it early", "practise motivational interviewing"],
               "outcomes": ["the participant can use the basic techniques of motivational interviewing"]},
        "ru": {"title": "Психоактивные вещества и работа с людьми с зависимостью",
               "summary": "Алкоголь, наркотики и поведенческие зависимости: распознавание, мотивационное "
                          "интервьюирование и сеть помощи.",
               "goals": ["понимать, как формируется зависимость, и замечать её на ранней стадии",
                         "отработать мотивационное интервьюирование"],
               "outcomes": ["участник умеет применять основные приёмы мотивационного интервьюирования"]},
    },
    "tõhus-meeskonna-ja-muudatuste-juhtimine": {
        "en": {"title": "Effective team and change management",
               "summary": "Leading teams and change, and preventing burnout, in a municipal social department.",
               "goals": ["lead a team through change", "prevent burnout among staff"],
               "outcomes": ["the participant draws up a change plan for their department"]},
        "ru": {"title": "Эффективное управление командой и изменениями",
               "summary": "Управление командой, проведение изменений и профилактика выгорания в социальном отделе "
                          "местного самоуправления.",
               "goals": ["руководить командой во время изменений", "предотвращать выгорание сотрудников"],
               "outcomes": ["участник составляет план изменений для своего отдела"]},
    },
    "hea-käitumise-mäng-õpetajatele": {
        "en": {"title": "Good Behavior Game (GBG) for teachers of grades 1–6",
               "summary": "Good Behavior Game: an evidence-based classroom method for grades 1–6 that reduces "
                          "disruptive behaviour.",
               "goals": ["learn to use the Good Behavior Game in your class"],
               "outcomes": ["the teacher uses the game in class and gets feedback from a mentor"],
               "prerequisites": "You teach grades 1–6."},
        "ru": {"title": "Игра хорошего поведения (GBG) для учителей 1–6 классов",
               "summary": "Основанный на доказательствах метод управления классом, который уменьшает проблемное "
                          "поведение и поддерживает сотрудничество детей.",
               "goals": ["научиться применять Игру хорошего поведения в своём классе"],
               "outcomes": ["учитель применяет игру в классе и получает обратную связь от наставника"],
               "prerequisites": "Вы работаете учителем 1–6 классов."},
    },
    "hea-käitumise-mängu-koolitajate-koolitus": {
        "en": {"title": "Good Behavior Game trainer training",
               "summary": "Trainer training for teachers and school staff who will train other teachers in the Good "
                          "Behavior Game.",
               "goals": ["prepare trainers of the Good Behavior Game"],
               "outcomes": ["graduates may train teachers in the Good Behavior Game"],
               "prerequisites": "You have completed the Good Behavior Game training and used the game for at least "
                                "one school year."},
        "ru": {"title": "Подготовка тренеров Игры хорошего поведения",
               "summary": "Для учителей и специалистов поддержки, которые сами будут обучать учителей применению Игры "
                          "хорошего поведения.",
               "goals": ["подготовить тренеров Игры хорошего поведения"],
               "outcomes": ["прошедший обучение может обучать учителей Игре хорошего поведения"],
               "prerequisites": "Вы прошли обучение Игре хорошего поведения и применяли игру не менее одного "
                                "учебного года."},
    },
    "lähisuhtevägivalla-juhtumikorraldus": {
        "en": {"title": "Case management of domestic violence",
               "summary": "Case management of domestic violence across agencies: risk assessment, MARAC and victim "
                          "support.",
               "goals": ["assess the risks of domestic violence", "manage a case together with the police and victim "
                         "support"],
               "outcomes": ["the participant can use the risk assessment questionnaire and the MARAC procedure"]},
        "ru": {"title": "Ведение случаев домашнего насилия",
               "summary": "Межведомственное ведение случаев домашнего насилия: оценка рисков, MARAC и поддержка "
                          "пострадавшего.",
               "goals": ["оценивать риски домашнего насилия", "вести случай вместе с полицией и службой помощи "
                         "жертвам"],
               "outcomes": ["участник умеет пользоваться опросником оценки рисков и порядком работы MARAC"]},
    },
    "maakondlik-turvavõrgustik": {
        "en": {"title": "County safety network training",
               "summary": "Working together for children's safety: child protection, police, schools and victim "
                          "support as one network.",
               "goals": ["build a working network for children's safety in the county"],
               "outcomes": ["the participant knows how network members cooperate in sharing information"]},
        "ru": {"title": "Обучение уездной сети безопасности",
               "summary": "Совместная работа ради благополучия и безопасности ребёнка: защита детей, полиция, школа "
                          "и помощь жертвам в одной сети.",
               "goals": ["создать в уезде действующую сеть безопасности детей"],
               "outcomes": ["участник знает, как члены сети сотрудничают при обмене информацией"]},
    },
    "turvavõrgustiku-koolitajate-koolitus": {
        "en": {"title": "Safety network trainer training",
               "summary": "Train-the-trainer course: graduates become certified trainers of the county safety-network "
                          "course.",
               "goals": ["prepare trainers of the county safety network training"],
               "outcomes": ["graduates may give the county safety network training"],
               "prerequisites": "You have completed the county safety network training."},
        "ru": {"title": "Подготовка тренеров сети безопасности",
               "summary": "Для прошедших обучение уездной сети безопасности, которые будут сами проводить это "
                          "обучение в своём уезде.",
               "goals": ["подготовить тренеров обучения уездной сети безопасности"],
               "outcomes": ["прошедший обучение может проводить обучение уездной сети безопасности"],
               "prerequisites": "Вы прошли обучение уездной сети безопасности."},
    },
    "perepesa-perekeskuse-töötajatele": {
        "en": {"title": "Perepesa: training for family-centre staff",
               "summary": "For staff of municipal family centres: working with families from pregnancy to school "
                          "age, with systematic participant feedback after every training day.",
               "goals": ["support families from pregnancy until the child starts school",
                         "collect feedback from participants systematically and use it to develop the service"],
               "outcomes": ["the family-centre worker can plan activities that suit families",
                            "the participant uses the feedback questionnaire after every meeting"],
               "body": "In the Perepesa training we systematically collect feedback from every participant after "
                       "each training day and discuss the results at the start of the next day. You will learn to "
                       "use the same way of collecting feedback in your own family centre."},
        "ru": {"title": "Perepesa: обучение сотрудников семейных центров",
               "summary": "Для сотрудников семейных центров местных самоуправлений: работа с семьями от беременности "
                          "до поступления ребёнка в школу. В ходе обучения мы систематически собираем обратную связь "
                          "участников.",
               "goals": ["поддерживать семьи с периода беременности до поступления ребёнка в школу",
                         "систематически собирать обратную связь участников и использовать её для развития услуги"],
               "outcomes": ["сотрудник семейного центра умеет планировать подходящие для семей занятия",
                            "участник использует анкету обратной связи после каждой встречи"],
               "body": "На обучении Perepesa мы систематически собираем обратную связь от каждого участника после "
                       "каждого учебного дня и обсуждаем результаты в начале следующего дня. Тот же способ сбора "
                       "обратной связи Вы научитесь применять в своём семейном центре."},
    },
    "lapsendaja-ja-kasupere-toetamine": {
        "en": {"title": "Supporting adoptive and foster families",
               "summary": "Supporting adoptive and foster families: attachment, trauma and support that fits each "
                          "family.",
               "goals": ["understand attachment and the effect of trauma on a child"],
               "outcomes": ["the participant can offer adoptive and foster families support that meets their needs"]},
        "ru": {"title": "Поддержка усыновителей и приёмных семей",
               "summary": "Поддержка усыновителей и приёмных семей: привязанность, травма и поддержка, "
                          "соответствующая потребностям семьи.",
               "goals": ["понимать привязанность и влияние травмы на ребёнка"],
               "outcomes": ["участник умеет предложить усыновителям и приёмным семьям поддержку, соответствующую их "
                            "потребностям"]},
    },
}

PROGRAMME = {
    "en": {"title": "Development programme for social-sector specialists of South-East Estonia",
           "summary": "For specialists of the municipalities of Põlva, Valga and Võru counties: four thematic "
                      "trainings of 128 academic hours in all, info seminars, counselling, two study trips and "
                      "service design.",
           "intro": "The programme consists of four thematic trainings of 32 hours each (128 academic hours in all). "
                    "They are supported by info seminars, individual and group counselling, two study trips and a "
                    "service design stage in which each municipality plans a new service of its own.",
           "parts": {"Avaseminar ja infopäev": "Opening seminar and info day",
                     "Individuaalne ja grupinõustamine": "Individual and group counselling",
                     "Õppereis: Soome sotsiaalteenused": "Study trip: social services in Finland",
                     "Õppereis: Läti perekeskused": "Study trip: family centres in Latvia",
                     "Teenusedisaini etapp: uus teenus oma omavalitsusse":
                         "Service design stage: a new service for your municipality"}},
    "ru": {"title": "Программа развития специалистов социальной сферы Юго-Восточной Эстонии",
           "summary": "Для специалистов самоуправлений Пылваского, Валгаского и Выруского уездов: четыре тематических "
                      "обучения общим объёмом 128 академических часов, информационные семинары, консультирование, "
                      "две учебные поездки и этап дизайна услуг.",
           "intro": "Программа состоит из четырёх тематических обучений по 32 часа (всего 128 академических часов). "
                    "Их дополняют информационные семинары, индивидуальное и групповое консультирование, две учебные "
                    "поездки и этап дизайна услуг, на котором каждое самоуправление планирует свою новую услугу.",
           "parts": {"Avaseminar ja infopäev": "Вводный семинар и информационный день",
                     "Individuaalne ja grupinõustamine": "Индивидуальное и групповое консультирование",
                     "Õppereis: Soome sotsiaalteenused": "Учебная поездка: социальные услуги Финляндии",
                     "Õppereis: Läti perekeskused": "Учебная поездка: семейные центры Латвии",
                     "Teenusedisaini etapp: uus teenus oma omavalitsusse":
                         "Этап дизайна услуг: новая услуга для Вашего самоуправления"}},
}

"""What the demo district is made of (seed_demo): names, organisations, help requests,
trainings. Pure data; volunteers/demo.py turns it into accounts and history through the
services. Every person, organisation, address and number here is made up; every email address
ends in example.org.
"""

from __future__ import annotations

from decimal import Decimal

from volunteers.models import LanguageLevel, Organisation

NATIVE, FLUENT, BASIC = LanguageLevel.NATIVE, LanguageLevel.FLUENT, LanguageLevel.BASIC

# The tables below are laid out by hand (one person, organisation or request per line).
# fmt: off

# --- Names ------------------------------------------------------------------------------------
# Per group of origin: female first names, male first names, last names. A last name given as
# (male form, female form) is gendered (Russian). Weights: how many of the district's
# volunteers come from the group (a German majority, the larger communities of the Kreis).
NAME_GROUPS = {
    "german": {
        "weight": 50,
        "female": [
            "Anna", "Birgit", "Christiane", "Claudia", "Elisabeth", "Gabriele", "Hannah",
            "Heike", "Ingrid", "Jana", "Julia", "Karin", "Katharina", "Laura", "Lea", "Maria",
            "Marlies", "Monika", "Petra", "Renate", "Sabine", "Sarah", "Sophie", "Stefanie",
            "Susanne", "Ursula", "Annette", "Dorothee", "Hildegard", "Mechthild", "Lena",
            "Miriam", "Johanna", "Anke", "Brigitte",
        ],
        "male": [
            "Andreas", "Bernd", "Christian", "Daniel", "Dieter", "Felix", "Frank", "Georg",
            "Hans-Jürgen", "Heinz", "Jan", "Jonas", "Jürgen", "Klaus", "Lukas", "Markus",
            "Martin", "Matthias", "Michael", "Norbert", "Paul", "Peter", "Ralf", "Stefan",
            "Thomas", "Tobias", "Uwe", "Werner", "Wolfgang", "Hubert", "Bernhard", "Ludger",
            "Reinhard", "Tim", "Niklas",
        ],
        "last": [
            "Schulze", "Hölscher", "Brüggemann", "Wiesmann", "Holtkamp", "Kötter",
            "Rövekamp", "Niehues", "Pöppelmann", "Schröer", "Entrup", "Bußmann", "Hüwe",
            "Müller", "Schmidt", "Meyer", "Becker", "Hoffmann", "Schulte", "Wagner", "Fischer",
            "Weber", "Klein", "Krämer", "Hagemann", "Tenbrock", "Vennemann", "Westhoff",
            "Overmeyer", "Heitmann", "Lohmann", "Brinkmann", "Uphoff", "Terhorst",
            "Große-Kleimann", "Lütke Wöstmann", "Hemsing", "Höne", "Everwin", "Rüschoff",
            "Wessels", "Schnieder", "Ahlmer", "Frie", "Kemper", "Sommer", "Vogt", "Berger",
        ],
        "languages": [("de", NATIVE)],
        "extra": [("en", (BASIC, FLUENT), 0.6), ("fr", (BASIC, FLUENT), 0.15),
                  ("ar", (BASIC,), 0.04), ("ru", (BASIC,), 0.03), ("tr", (BASIC,), 0.03)],
    },
    "turkish": {
        "weight": 10,
        "female": ["Ayşe", "Elif", "Zeynep", "Fatma", "Emine", "Meryem", "Hatice", "Büşra",
                   "Derya", "Selin", "Özlem", "Sevgi", "Gül", "Nurcan"],
        "male": ["Mehmet", "Ahmet", "Mustafa", "Emre", "Hakan", "Murat", "Serkan", "Burak",
                 "Cem", "Kemal", "Yusuf", "Osman", "Volkan", "Erkan"],
        "last": ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın",
                 "Arslan", "Doğan", "Koç", "Kılıç", "Aksoy", "Polat", "Erdem", "Korkmaz"],
        "languages": [("tr", NATIVE), ("de", (NATIVE, FLUENT))],
        "extra": [("en", (BASIC, FLUENT), 0.4), ("kmr", (BASIC, FLUENT), 0.15)],
    },
    "arabic": {
        "weight": 11,
        "female": ["Amal", "Rania", "Lina", "Nour", "Rasha", "Hiba", "Yasmin", "Dima", "Reem",
                   "Salma", "Fatima", "Aya", "Rahaf", "Heba"],
        "male": ["Mohammed", "Ahmad", "Khaled", "Omar", "Bassel", "Tarek", "Samer", "Firas",
                 "Yousef", "Hassan", "Ammar", "Majd", "Louay", "Wael", "Mahmoud"],
        "last": ["Al-Hassan", "Haddad", "Khalil", "Nasser", "Saleh", "Hamdan", "Mansour",
                 "Darwish", "Al-Khatib", "Sabbagh", "Kassem", "Shami", "Aziz", "Youssef",
                 "Habib", "Al-Ahmad", "Othman", "Jaber"],
        "languages": [("ar", NATIVE), ("de", (FLUENT, FLUENT, BASIC))],
        "extra": [("en", (BASIC, FLUENT), 0.45), ("fr", (BASIC,), 0.1), ("kmr", (BASIC,), 0.1)],
    },
    "ukrainian": {
        "weight": 8,
        "female": ["Olena", "Iryna", "Oksana", "Nataliia", "Tetiana", "Yuliia", "Kateryna",
                   "Svitlana", "Halyna", "Daryna", "Viktoriia", "Mariia"],
        "male": ["Oleksandr", "Andrii", "Dmytro", "Serhii", "Mykola", "Volodymyr", "Taras",
                 "Bohdan", "Yurii", "Vitalii"],
        "last": ["Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk",
                 "Boiko", "Marchenko", "Lysenko", "Savchenko", "Rudenko", "Moroz", "Petrenko",
                 "Hnatiuk", "Koval"],
        "languages": [("uk", NATIVE), ("de", (BASIC, FLUENT))],
        "extra": [("ru", (FLUENT, NATIVE), 0.8), ("en", (BASIC, FLUENT), 0.5)],
    },
    "russian": {
        "weight": 7,
        "female": ["Anastasia", "Jelena", "Swetlana", "Olga", "Tatjana", "Irina", "Marina",
                   "Ljudmila", "Natalja", "Valentina"],
        "male": ["Alexander", "Sergej", "Dmitri", "Wladimir", "Andrej", "Viktor", "Juri",
                 "Nikolai", "Eduard", "Waldemar"],
        "last": [("Iwanow", "Iwanowa"), ("Petrow", "Petrowa"), ("Smirnow", "Smirnowa"),
                 ("Kusnezow", "Kusnezowa"), ("Popow", "Popowa"), ("Wolkow", "Wolkowa"),
                 ("Sokolow", "Sokolowa"), ("Morosow", "Morosowa"), "Friesen", "Penner",
                 "Klassen", "Neufeld", "Dietrich", "Reimer", "Janzen"],
        "languages": [("ru", NATIVE), ("de", (NATIVE, FLUENT))],
        "extra": [("uk", (FLUENT,), 0.2), ("en", (BASIC,), 0.25)],
    },
    "persian": {
        "weight": 7,
        "female": ["Maryam", "Zahra", "Fatemeh", "Shirin", "Leila", "Parisa", "Nasrin",
                   "Mahsa", "Sima", "Roya", "Farzana", "Mursal"],
        "male": ["Ali", "Reza", "Hossein", "Mehdi", "Amir", "Dariush", "Farhad", "Navid",
                 "Arash", "Jawad", "Mohammad", "Sayed", "Ahmad Shah"],
        "last": ["Ahmadi", "Hosseini", "Rahimi", "Karimi", "Mohammadi", "Rezaei", "Jafari",
                 "Sadeghi", "Moradi", "Hashemi", "Azizi", "Nazari", "Sultani", "Haidari",
                 "Popal", "Wardak", "Stanekzai"],
        # Iranians speak Farsi; Afghans Dari (and often Pashto): decided per person.
        "languages": [("de", (FLUENT, FLUENT, BASIC))],
        "extra": [("en", (BASIC, FLUENT), 0.4)],
    },
    "kurdish": {
        "weight": 5,
        "female": ["Berfin", "Rojda", "Zozan", "Nesrin", "Hevin", "Dilan", "Jiyan", "Ronahi",
                   "Bêrivan"],
        "male": ["Azad", "Reber", "Baran", "Serhat", "Dilshad", "Rojhat", "Zana", "Kawa",
                 "Shervan", "Dersim"],
        "last": ["Hasso", "Sino", "Bozan", "Murad", "Osman", "Khalaf", "Rashid", "Mamo",
                 "Sleman", "Haji", "Ibrahim", "Hussein"],
        "languages": [("kmr", NATIVE), ("de", (NATIVE, FLUENT))],
        # Kurds from Syria and Iraq speak Arabic, those from Turkey Turkish.
        "extra": [("ar", (FLUENT, NATIVE), 0.55), ("tr", (FLUENT,), 0.35), ("en", (BASIC,), 0.3)],
    },
    "albanian": {
        "weight": 1,
        "female": ["Arta", "Blerta", "Drita", "Elira"],
        "male": ["Arben", "Besnik", "Driton", "Fatmir", "Valon"],
        "last": ["Krasniqi", "Gashi", "Berisha", "Hoxha", "Morina", "Shala"],
        "languages": [("sq", NATIVE), ("de", (NATIVE, FLUENT))],
        "extra": [("en", (BASIC, FLUENT), 0.5)],
    },
    "eritrean": {
        "weight": 1,
        "female": ["Selam", "Helen", "Senait", "Yordanos"],
        "male": ["Yonas", "Dawit", "Filmon", "Robel", "Tesfay"],
        "last": ["Tesfaye", "Haile", "Gebremedhin", "Kidane", "Tekle", "Berhane"],
        "languages": [("ti", NATIVE), ("de", (FLUENT, BASIC))],
        "extra": [("en", (FLUENT,), 0.7), ("ar", (BASIC,), 0.3)],
    },
}

# Where the communities live: a town's weight for a group of origin (default 1). Ahlen and
# Beckum have the district's largest Turkish, Arabic and Kurdish communities.
TOWN_WEIGHTS = {
    "Ahlen": 52,
    "Beckum": 36,
    "Beelen": 6,
    "Drensteinfurt": 15,
    "Ennigerloh": 20,
    "Everswinkel": 10,
    "Oelde": 29,
    "Ostbevern": 11,
    "Sassenberg": 14,
    "Sendenhorst": 13,
    "Telgte": 20,
    "Wadersloh": 12,
    "Warendorf": 37,
}
COMMUNITY_TOWNS = {
    "turkish": {"Ahlen": 3.0, "Beckum": 2.0},
    "arabic": {"Ahlen": 3.0, "Beckum": 2.0, "Warendorf": 1.3},
    "kurdish": {"Ahlen": 3.0, "Beckum": 1.5},
    "ukrainian": {"Oelde": 1.8, "Warendorf": 1.5, "Telgte": 1.3},
    "russian": {"Warendorf": 1.8, "Oelde": 1.5},
    "persian": {"Ennigerloh": 2.0, "Sendenhorst": 1.5, "Warendorf": 1.3},
}

# Dialling codes of the towns (for made-up landline numbers).
AREA_CODES = {
    "Ahlen": "02382",
    "Beckum": "02521",
    "Beelen": "02586",
    "Drensteinfurt": "02508",
    "Ennigerloh": "02524",
    "Everswinkel": "02582",
    "Oelde": "02522",
    "Ostbevern": "02532",
    "Sassenberg": "02583",
    "Sendenhorst": "02526",
    "Telgte": "02504",
    "Wadersloh": "02523",
    "Warendorf": "02581",
}

# Activity areas people of a group choose more often (interpreting for their language).
AREAS = [
    "sprachforderung-deutsch-lernen",
    "dolmetschen-sprachmittlung",
    "begleitung-zu-behorden-und-arzten",
    "hausaufgabenhilfe-lernforderung",
    "kinderbetreuung",
    "patenschaften-mentoring",
    "freizeit-sport-kultur",
    "fahrdienste",
    "wohnungssuche-umzugshilfe",
    "arbeit-und-ausbildung",
    "begegnungscafe-ankommenstreffpunkt",
    "fahrradwerkstatt-reparatur",
    "digitale-hilfe",
    "organisation-und-verwaltung",
]
AREAS_WITH_CHILDREN = {"hausaufgabenhilfe-lernforderung", "kinderbetreuung"}

# --- The demo accounts -----------------------------------------------------------------------
# (email, first name, last name); roles, towns and organisations are set in volunteers/demo.py.
DEMO_PEOPLE = {
    "freiwillig1@example.org": ("Anna", "Schulte"),
    "freiwillig2@example.org": ("Yusuf", "Demir"),
    "koordination1@example.org": ("Klara", "Hoffmann"),
    "koordination2@example.org": ("Jonas", "Brückner"),
    "ki-team@example.org": ("Sabine", "Kötter"),
    "ki-leitung@example.org": ("Dr. Leonie", "Wiesmann"),
    "admin@example.org": ("Markus", "Entrup"),
    "kommune-ahlen@example.org": ("Miriam", "Schröer"),
}

# --- Organisations ---------------------------------------------------------------------------
K = Organisation.Kind
# (name, kind, town, verified, group of its coordinators' names, address, description)
ORGANISATIONS = [
    ("Flüchtlingshilfe Ahlen e. V.", K.VEREIN, "Ahlen", True, "german",
     "Oststraße 12", "Seit 2014 begleiten wir geflüchtete Menschen in Ahlen: Behördengänge, "
     "Hausaufgabenhilfe, Sprachpatenschaften und ein offener Treff im Ankommenstreffpunkt."),
    ("Kurdisches Kulturzentrum Ahlen e. V.", K.MIGRANT_ORG, "Ahlen", True, "kurdish",
     "Bahnhofstraße 41", "Kulturverein mit Sprachmittlung in Kurmandschi und Arabisch, "
     "Frauengruppe und Hausaufgabenhilfe."),
    ("Caritasverband im Dekanat Ahlen – Integrationsagentur", K.INTEGRATION_AGENCY, "Ahlen",
     True, "german", "Klosterstraße 8", "Integrationsagentur mit Beratung, "
     "Ehrenamtskoordination und Qualifizierung für Sprachmittlerinnen und Sprachmittler."),
    ("DITIB Türkisch-Islamische Gemeinde Ahlen", K.CONGREGATION, "Ahlen", True, "turkish",
     "Kampstraße 5", "Moscheegemeinde mit Jugendarbeit, Nachhilfe und Begleitung für "
     "neuangekommene Familien."),
    ("Frauencafé International Ahlen", K.INITIATIVE, "Ahlen", True, "arabic",
     "Südstraße 30", "Ein Treffpunkt für Frauen aus aller Welt: Deutsch üben, Kinderbetreuung, "
     "gemeinsames Kochen."),
    ("Fahrradwerkstatt Ahlen-Süd", K.INITIATIVE, "Ahlen", False, "german",
     "Am Röteringshof 3", "Gespendete Räder werden gemeinsam mit Geflüchteten repariert."),
    ("Deutsch-Syrischer Kulturverein Beckum", K.MIGRANT_ORG, "Beckum", True, "arabic",
     "Nordstraße 17", "Verein syrischer und deutscher Familien: Sprachmittlung, Begleitung "
     "und Kulturabende."),
    ("Willkommensnetzwerk Beckum", K.INITIATIVE, "Beckum", True, "german",
     "Weststraße 46", "Netzwerk aus Kirchengemeinden, Vereinen und Einzelpersonen für "
     "Geflüchtete in Beckum, Neubeckum, Roland und Vellern."),
    ("Ev. Kirchengemeinde Beckum – Café Miteinander", K.CONGREGATION, "Beckum", True,
     "german", "Nordwall 38", "Wöchentliches Begegnungscafé im Gemeindehaus."),
    ("SC Beckum – Integration durch Sport", K.VEREIN, "Beckum", True, "german",
     "Sportpark Römerstraße", "Fußball, Schwimmen und Radfahren für Kinder und Erwachsene "
     "aus geflüchteten Familien."),
    ("Beelen hilft", K.INITIATIVE, "Beelen", True, "german", "Warendorfer Straße 9",
     "Nachbarschaftshilfe für Geflüchtete in Beelen."),
    ("Kath. Pfarrgemeinde St. Johannes Baptist Beelen – Helferkreis", K.CONGREGATION,
     "Beelen", False, "german", "Kirchplatz 4", "Helferkreis der Pfarrgemeinde."),
    ("Arbeitskreis Asyl Drensteinfurt", K.INITIATIVE, "Drensteinfurt", True, "german",
     "Mühlenstraße 2", "Begleitung, Sprachkurse und Fahrdienste in Drensteinfurt, "
     "Rinkerode und Walstedde."),
    ("Sprachpaten Drensteinfurt", K.INITIATIVE, "Drensteinfurt", True, "german",
     "Landsbergplatz 7", "Eins-zu-eins-Sprachpatenschaften für Erwachsene."),
    ("Heimatverein Walstedde – Begegnung", K.VEREIN, "Drensteinfurt", False, "german",
     "Dorfstraße 11", "Der Heimatverein lädt Neubürgerinnen und Neubürger ein."),
    ("Sprachbrücke Ennigerloh e. V.", K.VEREIN, "Ennigerloh", True, "persian",
     "Marktplatz 3", "Sprachmittlung Dari, Farsi, Paschtu und Arabisch im ganzen Kreis."),
    ("Flüchtlingshilfe Ennigerloh-Enniger", K.INITIATIVE, "Ennigerloh", True, "german",
     "Ostenfelder Straße 6", "Kleiderkammer, Fahrdienste und Patenschaften."),
    ("Afghanischer Kulturverein Ennigerloh", K.MIGRANT_ORG, "Ennigerloh", False, "persian",
     "Bahnhofstraße 22", "Afghanische Familien helfen Neuangekommenen."),
    ("Helferkreis Everswinkel", K.INITIATIVE, "Everswinkel", True, "german",
     "Vitusstraße 1", "Ehrenamtliche aus Everswinkel und Alverskirchen."),
    ("Begegnungscafé Alverskirchen", K.INITIATIVE, "Everswinkel", True, "german",
     "Alverskirchener Dorfstraße 14", "Kaffee, Kuchen und Gespräche jeden Freitag."),
    ("Ev. Kirchengemeinde Oelde – Helferkreis", K.CONGREGATION, "Oelde", False, "german",
     "Ruggestraße 9", "Helferkreis der evangelischen Kirchengemeinde Oelde."),
    ("Ukrainischer Verein Oelde e. V.", K.MIGRANT_ORG, "Oelde", True, "ukrainian",
     "Bahnhofstraße 25", "Geflüchtete aus der Ukraine und ihre Unterstützerinnen: "
     "Sprachmittlung, Schule, Arbeit."),
    ("Netzwerk Integration Oelde", K.INITIATIVE, "Oelde", True, "german",
     "Herrenstraße 12", "Koordiniert die ehrenamtliche Hilfe in Oelde, Stromberg, Lette und "
     "Sünninghausen."),
    ("Kleiderkammer Oelde", K.INITIATIVE, "Oelde", True, "german", "Geiststraße 4",
     "Kleidung und Hausrat für Menschen mit wenig Geld."),
    ("Asylkreis Ostbevern", K.INITIATIVE, "Ostbevern", True, "german", "Hauptstraße 20",
     "Begleitung und Freizeitangebote in Ostbevern und Brock."),
    ("Lernwerkstatt Ostbevern e. V.", K.VEREIN, "Ostbevern", True, "german",
     "Schulstraße 5", "Hausaufgabenhilfe und Lernförderung für Kinder und Jugendliche."),
    ("Willkommen in Sassenberg", K.INITIATIVE, "Sassenberg", True, "german",
     "Schürenstraße 17", "Initiative für Geflüchtete in Sassenberg."),
    ("Füchtorfer Helferkreis", K.INITIATIVE, "Sassenberg", True, "german",
     "Glandorfer Straße 3", "Hilfe im Alltag für Familien in Füchtorf."),
    ("DRK-Ortsverein Sassenberg – Integration", K.VEREIN, "Sassenberg", True, "german",
     "Klingenhagen 6", "Erste-Hilfe-Kurse, Fahrdienste und Begegnung."),
    ("Willkommensinitiative Sendenhorst", K.INITIATIVE, "Sendenhorst", True, "german",
     "Kirchstraße 1", "Paten, Sprachcafé und Umzugshilfe in Sendenhorst."),
    ("Albersloher Netzwerk für Geflüchtete", K.INITIATIVE, "Sendenhorst", True, "german",
     "Sendenhorster Straße 5", "Ehrenamtliche in Albersloh."),
    ("Iranisch-Deutscher Freundeskreis Sendenhorst", K.MIGRANT_ORG, "Sendenhorst", True,
     "persian", "Weststraße 8", "Kultur, Sprache und Begleitung für Menschen aus Iran und "
     "Afghanistan."),
    ("Begegnungscafé Telgte", K.INITIATIVE, "Telgte", True, "german", "Kapellenstraße 2",
     "Offenes Café für Alteingesessene und Neuangekommene, Sprachcafé und Fahrradwerkstatt."),
    ("Flüchtlingshilfe Telgte e. V.", K.VEREIN, "Telgte", True, "german", "Steinstraße 15",
     "Begleitung, Wohnungssuche und Patenschaften."),
    ("Westbevern hilft", K.INITIATIVE, "Telgte", True, "german", "Dorfstraße 2",
     "Nachbarschaftshilfe in Westbevern."),
    ("Eritreische Gemeinschaft Münsterland", K.MIGRANT_ORG, "Telgte", True, "eritrean",
     "Münstertor 4", "Treffpunkt und Sprachmittlung Tigrinya."),
    ("Flüchtlingshilfe Wadersloh", K.INITIATIVE, "Wadersloh", True, "german",
     "Liesborner Straße 7", "Hilfe in Wadersloh, Diestedde und Liesborn."),
    ("Liesborner Lernpaten", K.INITIATIVE, "Wadersloh", True, "german", "Abteiring 3",
     "Lernpatenschaften für Schulkinder."),
    ("Diakonie Wadersloh – Migrationsberatung", K.INTEGRATION_AGENCY, "Wadersloh", True,
     "german", "Mühlenstraße 10", "Migrationsberatung und Ehrenamtskoordination."),
    ("Netzwerk Asyl Warendorf e. V.", K.VEREIN, "Warendorf", True, "german",
     "Freckenhorster Straße 43", "Das Netzwerk der Warendorfer Flüchtlingshilfe."),
    ("Diakonie Münsterland – Migrationsdienst Warendorf", K.INTEGRATION_AGENCY, "Warendorf",
     True, "german", "Wilhelmstraße 5", "Migrationsdienst mit Ehrenamtskoordination."),
    ("Fahrradwerkstatt Rad & Tat Warendorf", K.INITIATIVE, "Warendorf", True, "german",
     "Sassenberger Straße 12", "Räder für alle: reparieren, verschenken, Fahrradkurse."),
    ("Russischsprachiger Kulturverein Warendorf", K.MIGRANT_ORG, "Warendorf", True, "russian",
     "Lange Kesselstraße 9", "Kultur, Sprachmittlung Russisch und Ukrainisch."),
    ("Stadtsportbund Warendorf – Sport für alle", K.VEREIN, "Warendorf", True, "german",
     "Von-Ketteler-Straße 2", "Sportangebote für Geflüchtete in allen Warendorfer Vereinen."),
    ("Hausaufgabenhilfe Freckenhorst", K.INITIATIVE, "Warendorf", False, "german",
     "Stiftsmarkt 4", "Ehrenamtliche Hausaufgabenhilfe im Pfarrheim Freckenhorst."),
]
DEMO_COORDINATED = {
    "koordination1@example.org": "Flüchtlingshilfe Ahlen e. V.",
    "koordination2@example.org": "Begegnungscafé Telgte",
}

# --- Help requests ---------------------------------------------------------------------------
# Templates: (title, area, languages, schedule, helpers, Führungszeugnis, description).
# A title may name {town}. Schedules: "weekly:<days>:<part>" (days as digits, Monday = 0,
# part 0 morning, 1 afternoon, 2 evening), "once:<hour>" or "flexible".
REQUEST_TEMPLATES = [
    ("Sprachpatenschaft für eine syrische Familie", "sprachforderung-deutsch-lernen",
     [("de", FLUENT)], "weekly:2:1", 1, False,
     "Eine fünfköpfige Familie aus Aleppo möchte im Alltag Deutsch sprechen üben. "
     "Einmal pro Woche eine Stunde zum Gespräch, gern beim Einkaufen oder Spazierengehen."),
    ("Deutsch-Konversationsgruppe für Frauen", "sprachforderung-deutsch-lernen",
     [("de", NATIVE)], "weekly:1:0", 2, False,
     "Eine kleine Gruppe von Frauen übt Deutsch für Arzttermine, Elterngespräche und den "
     "Einkauf. Kinderbetreuung ist organisiert."),
    ("Lesepatenschaft in der Stadtbücherei {town}", "sprachforderung-deutsch-lernen",
     [("de", NATIVE)], "weekly:3:1", 2, True,
     "Kinder aus Willkommensklassen lesen mit Ihnen Bilderbücher und erste Geschichten."),
    ("Dolmetschen Arabisch beim Kinderarzt", "dolmetschen-sprachmittlung",
     [("ar", FLUENT), ("de", FLUENT)], "once:9", 1, False,
     "Eine Mutter braucht Unterstützung bei der Vorsorgeuntersuchung ihres Kindes. "
     "Dauer etwa eine Stunde."),
    ("Sprachmittlung Ukrainisch beim Jobcenter", "dolmetschen-sprachmittlung",
     [("uk", FLUENT), ("de", FLUENT)], "once:10", 1, False,
     "Ein Termin zur Eingliederungsvereinbarung; es geht um Sprachkurs und Arbeitssuche."),
    ("Dari-Sprachmittlung beim Elternsprechtag", "dolmetschen-sprachmittlung",
     [("prs", FLUENT), ("de", FLUENT)], "once:16", 2, False,
     "Mehrere afghanische Familien haben Termine beim Elternsprechtag der Grundschule."),
    ("Sprachmittlung Kurmandschi in der Beratungsstelle", "dolmetschen-sprachmittlung",
     [("kmr", FLUENT), ("de", FLUENT)], "weekly:0:0", 1, False,
     "Die Migrationsberatung sucht Unterstützung bei Gesprächen mit kurdischen Familien."),
    ("Farsi-Sprachmittlung bei der Schuldnerberatung", "dolmetschen-sprachmittlung",
     [("fa", FLUENT), ("de", FLUENT)], "flexible", 1, False,
     "Drei bis vier Termine in den nächsten Wochen, nach Absprache."),
    ("Begleitung zur Ausländerbehörde", "begleitung-zu-behorden-und-arzten",
     [("de", FLUENT)], "once:8", 1, False,
     "Termin zur Verlängerung des Aufenthaltstitels im Kreishaus Warendorf. Wir erklären "
     "Ihnen vorher, welche Unterlagen mitmüssen."),
    ("Begleitung zu Arztterminen", "begleitung-zu-behorden-und-arzten",
     [("de", FLUENT)], "flexible", 2, False,
     "Ältere Geflüchtete brauchen Begleitung zu Fachärzten, meist vormittags."),
    ("Begleitung zum Jobcenter", "begleitung-zu-behorden-und-arzten",
     [("de", FLUENT)], "flexible", 1, False,
     "Unterstützung bei Terminen und beim Ausfüllen von Anträgen."),
    ("Hausaufgabenhilfe für Grundschulkinder", "hausaufgabenhilfe-lernforderung",
     [("de", FLUENT)], "weekly:02:1", 3, True,
     "Montags und mittwochs nach der Schule: Lesen, Rechnen, Hausaufgaben."),
    ("Mathe-Nachhilfe für die Klassen 7 bis 10", "hausaufgabenhilfe-lernforderung",
     [("de", FLUENT)], "weekly:3:1", 2, True,
     "Jugendliche bereiten sich auf den Hauptschulabschluss und die ZP10 vor."),
    ("Lernpatenschaft für einen Berufsschüler", "hausaufgabenhilfe-lernforderung",
     [("de", NATIVE)], "weekly:1:2", 1, False,
     "Ein junger Mann in der Ausbildung zum Anlagenmechaniker braucht Hilfe mit "
     "Fachtexten."),
    ("Kinderbetreuung während des Deutschkurses", "kinderbetreuung",
     [("de", BASIC)], "weekly:13:0", 2, True,
     "Dienstags und freitags von 9 bis 12 Uhr spielen Sie mit Kindern von 1 bis 5 Jahren, "
     "während die Eltern im Integrationskurs sind."),
    ("Familienpatenschaft für eine afghanische Familie", "patenschaften-mentoring",
     [("de", FLUENT)], "flexible", 2, False,
     "Eine Familie mit drei Kindern ist neu in {town} und sucht Ansprechpersonen für den "
     "Alltag: Schule, Verein, Behördenpost."),
    ("Patenschaft für eine ukrainische Mutter", "patenschaften-mentoring",
     [("de", FLUENT)], "flexible", 1, False,
     "Eine alleinerziehende Mutter möchte in {town} ankommen und Kontakte knüpfen."),
    ("Fußballtraining für Jugendliche", "freizeit-sport-kultur",
     [("de", BASIC)], "weekly:4:1", 2, True,
     "Trainingsgruppe für 12- bis 16-Jährige, freitags auf dem Sportplatz."),
    ("Schwimmbegleitung für Kinder", "freizeit-sport-kultur",
     [("de", BASIC)], "weekly:5:0", 2, True,
     "Samstags im Hallenbad: Kinder lernen schwimmen, Sie begleiten die Gruppe."),
    ("Stadtführung für Neuangekommene", "freizeit-sport-kultur",
     [("de", NATIVE)], "once:14", 1, False,
     "Zeigen Sie neuen Nachbarinnen und Nachbarn Rathaus, Bücherei, Bürgerbüro und "
     "Wochenmarkt in {town}."),
    ("Fahrdienst zur Tafel", "fahrdienste",
     [("de", BASIC)], "weekly:3:0", 2, False,
     "Donnerstags fahren Sie ältere Menschen ohne Auto zur Ausgabestelle der Tafel."),
    ("Fahrten zu Facharztterminen in Münster", "fahrdienste",
     [("de", BASIC)], "flexible", 2, False,
     "Einzelne Fahrten nach Absprache, Fahrtkosten werden erstattet."),
    ("Umzugshilfe für eine ukrainische Familie", "wohnungssuche-umzugshilfe",
     [], "once:10", 4, False,
     "Eine Familie zieht aus der Notunterkunft in ihre erste eigene Wohnung. Wir brauchen "
     "Hände zum Tragen und jemanden mit Transporter."),
    ("Wohnungssuche begleiten", "wohnungssuche-umzugshilfe",
     [("de", NATIVE)], "flexible", 1, False,
     "Hilfe beim Lesen von Anzeigen, beim Anrufen von Vermietern und bei Besichtigungen."),
    ("Bewerbungstraining für Geflüchtete", "arbeit-und-ausbildung",
     [("de", NATIVE)], "weekly:2:2", 2, False,
     "Lebenslauf, Anschreiben und Vorstellungsgespräch üben, in kleinen Gruppen."),
    ("Praktikumsplätze im Handwerk vermitteln", "arbeit-und-ausbildung",
     [("de", NATIVE)], "flexible", 1, False,
     "Sie kennen Betriebe in {town}? Helfen Sie jungen Geflüchteten zu einem Praktikum."),
    ("Helfende für das Begegnungscafé", "begegnungscafe-ankommenstreffpunkt",
     [("de", FLUENT)], "weekly:4:1", 4, False,
     "Kaffee kochen, Kuchen backen, ins Gespräch kommen: freitags ab 15 Uhr."),
    ("Internationales Kochen im Gemeindehaus", "begegnungscafe-ankommenstreffpunkt",
     [], "once:17", 3, False,
     "Einmal im Monat kochen Alteingesessene und Neuangekommene gemeinsam."),
    ("Fahrradwerkstatt: Räder für Neuankommende", "fahrradwerkstatt-reparatur",
     [], "weekly:5:0", 2, False,
     "Samstags reparieren wir gespendete Räder gemeinsam mit ihren neuen Besitzern."),
    ("Fahrradkurs für Frauen", "fahrradwerkstatt-reparatur",
     [("de", BASIC)], "weekly:6:1", 2, False,
     "Frauen, die nie Radfahren gelernt haben, üben auf dem Schulhof."),
    ("Digitale Sprechstunde: Online-Anträge", "digitale-hilfe",
     [("de", FLUENT)], "weekly:1:1", 2, False,
     "Hilfe bei Online-Terminen, Kindergeldanträgen und E-Mails an Behörden."),
    ("Smartphone-Kurs für Seniorinnen und Senioren", "digitale-hilfe",
     [("de", BASIC)], "weekly:0:1", 1, False,
     "Ältere Geflüchtete lernen Messenger, Fahrplan-App und Online-Banking."),
    ("Spendenlager sortieren", "organisation-und-verwaltung",
     [], "flexible", 3, False,
     "Sachspenden sortieren und für die Ausgabe vorbereiten, nach Ihrer Zeit."),
    ("Kleiderkammer: Ausgabe am Montag", "organisation-und-verwaltung",
     [("de", BASIC)], "weekly:0:0", 2, False,
     "Ausgabe von Kleidung und Hausrat, montags von 9:30 bis 12 Uhr."),
]

# --- Trainings of the KI ---------------------------------------------------------------------
QUALIFICATIONS = [
    # (slug, German, English)
    ("sprachmittlung-grundkurs", "Sprachmittlung Grundkurs", "Language mediation basics"),
    ("kinderschutz-im-ehrenamt", "Kinderschutz im Ehrenamt", "Child protection for volunteers"),
    ("erste-hilfe", "Erste Hilfe", "First aid"),
]
TRAINING_DESCRIPTION = (
    "Eine Fortbildung des Kommunalen Integrationszentrums für Ehrenamtliche. Mit Übungen aus "
    "der Praxis; Material und Getränke werden gestellt."
)
# (title, qualification slug, session days from today, capacity, hours credited, place,
#  registrations wanted, how many of them miss a session). Negative days: a past training with
# attendance (certificates issued, except for the one of last week: the KI still has to).
# More registrations than seats: a waiting list. Registration opens six weeks before.
TRAININGS = [
    ("Kinderschutz im Ehrenamt – Frühjahr", "kinderschutz-im-ehrenamt", [-230], 20,
     Decimal(4), "Kreishaus Warendorf, Waldenburger Straße 2, Raum 101", 16, 1),
    ("Erste Hilfe für Ehrenamtliche", "erste-hilfe", [-120], 14, Decimal(9),
     "DRK-Zentrum Sassenberg, Klingenhagen 6", 12, 1),
    ("Sprachmittlung Grundkurs", "sprachmittlung-grundkurs", [-21, -14], 15, Decimal(8),
     "Kreishaus Warendorf, Waldenburger Straße 2, Raum 101", 13, 2),
    ("Asyl- und Aufenthaltsrecht kompakt", None, [-9], 25, Decimal(3),
     "Online-Seminar", 18, 2),
    ("Sprachmittlung Grundkurs – Aufbautag", "sprachmittlung-grundkurs", [10], 12, Decimal(6),
     "Kreishaus Warendorf, Waldenburger Straße 2, Raum 101", 16, 0),
    ("Kinderschutz im Ehrenamt", "kinderschutz-im-ehrenamt", [21], 12, Decimal(4),
     "Bürgerhaus Oelde, Ruggestraße 2", 7, 0),
    ("Traumasensibler Umgang mit Geflüchteten", None, [28, 35], 10, Decimal(8),
     "Caritas-Zentrum Beckum, Elisabethstraße 10", 13, 0),
    ("Digitale Helfer: Online-Anträge begleiten", None, [38], 20, Decimal(3),
     "Stadtbücherei Warendorf, Klosterstraße 7", 5, 0),
    ("Erste Hilfe für Ehrenamtliche – Herbst", "erste-hilfe", [56], 14, Decimal(9),
     "DRK-Zentrum Sassenberg, Klingenhagen 6", 0, 0),
    ("Interkulturelle Kompetenz im Ehrenamt", None, [63, 70], 16, Decimal(8),
     "Integrationsagentur Ahlen, Klosterstraße 8", 0, 0),
    ("Deutsch als Zweitsprache: Methoden für Sprachpaten", None, [75], 18, Decimal(6),
     "Volkshochschule Warendorf, Freckenhorster Straße 43", 0, 0),
]

# --- The public directory --------------------------------------------------------------------
# Meeting places per town (for offers).
PLACES = {
    "Ahlen": ["Ankommenstreffpunkt, Oststraße 12", "Stadtbücherei, Westenmauer 10",
              "Bürgerzentrum Schuhfabrik, Königstraße 9", "Pfarrheim St. Marien, Marienplatz 4"],
    "Beckum": ["Gemeindehaus, Nordwall 38", "Stadtbücherei, Elisabethstraße 10",
               "Jugendzentrum Neubeckum, Hauptstraße 52"],
    "Beelen": ["Pfarrheim, Kirchplatz 4", "Haus Beelen, Warendorfer Straße 9"],
    "Drensteinfurt": ["Alte Post, Mühlenstraße 2", "Bürgerhaus Rinkerode, Albersloher Str. 3"],
    "Ennigerloh": ["Haus der Begegnung, Marktplatz 3", "Pfarrheim Enniger, Kirchstraße 5"],
    "Everswinkel": ["Pfarrheim St. Magnus, Vitusstraße 1",
                    "Dorfgemeinschaftshaus Alverskirchen, Dorfstraße 14"],
    "Oelde": ["Bürgerhaus, Ruggestraße 2", "Forum Oelde, Herrenstraße 12",
              "Gemeindezentrum Stromberg, Burgstraße 6"],
    "Ostbevern": ["Bürgerhaus, Hauptstraße 20", "Grundschule Brock, Schulstraße 5"],
    "Sassenberg": ["Pfarrheim, Schürenstraße 17", "Heimathaus Füchtorf, Glandorfer Str. 3"],
    "Sendenhorst": ["Haus Siekmann, Kirchstraße 1", "Pfarrheim Albersloh, Sendenhorster Str. 5"],
    "Telgte": ["Begegnungscafé, Kapellenstraße 2", "Bürgerhaus, Baßfeld 4",
               "Pfarrheim Westbevern, Dorfstraße 2"],
    "Wadersloh": ["Haus Nottebaum, Liesborner Straße 7", "Abtei Liesborn, Abteiring 3"],
    "Warendorf": ["Haus der Familie, Freckenhorster Straße 43", "Theater am Wall, Wallpromenade",
                  "Fahrradwerkstatt, Sassenberger Straße 12", "Sophienhaus, Wilhelmstraße 5"],
}
# Contact persons of the town administrations (integration officers): (first, last).
TOWN_CONTACTS = {
    "Ahlen": ("Miriam", "Schröer"),
    "Beckum": ("Thomas", "Kemper"),
    "Beelen": ("Andrea", "Everwin"),
    "Drensteinfurt": ("Stefan", "Rüschoff"),
    "Ennigerloh": ("Petra", "Hölscher"),
    "Everswinkel": ("Martina", "Ahlmer"),
    "Oelde": ("Jörg", "Vennemann"),
    "Ostbevern": ("Kerstin", "Frie"),
    "Sassenberg": ("Ludger", "Schnieder"),
    "Sendenhorst": ("Nicole", "Westhoff"),
    "Telgte": ("Sandra", "Wessels"),
    "Wadersloh": ("Matthias", "Hemsing"),
    "Warendorf": ("Ayşe", "Korkmaz"),
}
# fmt: on

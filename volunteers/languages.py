"""Languages a volunteer can speak or a request can need: ISO 639 codes with names.

The district's common languages (reference data: languages_often_needed) are offered first.
"""

from django.utils.translation import gettext_lazy as _

# ISO 639-1 where it exists, else ISO 639-3 (prs = Dari, kmr = Kurmanji, ckb = Sorani).
LANGUAGE_NAMES = {
    "de": _("Deutsch"),
    "ar": _("Arabisch"),
    "uk": _("Ukrainisch"),
    "ru": _("Russisch"),
    "fa": _("Persisch (Farsi)"),
    "prs": _("Dari"),
    "ps": _("Paschtu"),
    "kmr": _("Kurdisch (Kurmandschi)"),
    "ckb": _("Kurdisch (Sorani)"),
    "tr": _("Türkisch"),
    "sq": _("Albanisch"),
    "ti": _("Tigrinya"),
    "en": _("Englisch"),
    "fr": _("Französisch"),
    "am": _("Amharisch"),
    "so": _("Somali"),
    "ur": _("Urdu"),
    "hi": _("Hindi"),
    "bn": _("Bengalisch"),
    "es": _("Spanisch"),
    "it": _("Italienisch"),
    "pt": _("Portugiesisch"),
    "pl": _("Polnisch"),
    "ro": _("Rumänisch"),
    "bg": _("Bulgarisch"),
    "sr": _("Serbisch"),
    "hr": _("Kroatisch"),
    "bs": _("Bosnisch"),
    "mk": _("Mazedonisch"),
    "el": _("Griechisch"),
    "ka": _("Georgisch"),
    "hy": _("Armenisch"),
    "az": _("Aserbaidschanisch"),
    "zh": _("Chinesisch"),
    "vi": _("Vietnamesisch"),
    "ta": _("Tamil"),
    "ha": _("Hausa"),
    "sw": _("Swahili"),
    "nl": _("Niederländisch"),
    "sgn-de": _("Deutsche Gebärdensprache"),
}

# Reference data spells Kurmanji as "ku (Kurmanji)"; the platform stores "kmr".
REFERENCE_ALIASES = {"ku (Kurmanji)": "kmr", "ku": "kmr"}
COMMON_LANGUAGES = ["de", "ar", "uk", "ru", "fa", "prs", "ps", "kmr", "tr", "sq", "ti", "en", "fr"]


def language_choices() -> list[tuple[str, str]]:
    """Common languages first (in reference order), then the rest alphabetically."""
    common = [(code, LANGUAGE_NAMES[code]) for code in COMMON_LANGUAGES]
    rest = sorted(
        ((code, name) for code, name in LANGUAGE_NAMES.items() if code not in COMMON_LANGUAGES),
        key=lambda item: str(item[1]),
    )
    return common + rest


def language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, code))

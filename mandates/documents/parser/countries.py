"""The names of States, for addressees that name a country ("requests France to report").

Short names as the Council writes them, with the usual long forms; each maps to the name
reported. A name is an addressee only where it stands for the State itself: not "the
Government of Mali" (the national authorities), "Guinea-Bissau's political leaders" or "the
situation in Haiti".
"""

from __future__ import annotations

import re

_NAMES = """
Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|
Austria|Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|
Bolivia|Bosnia and Herzegovina|Botswana|Brazil|Brunei Darussalam|Bulgaria|Burkina Faso|Burundi|
Cabo Verde|Cape Verde|Cambodia|Cameroon|Canada|Central African Republic|Chad|Chile|China|
Colombia|Comoros|Congo|Costa Rica|Côte d'Ivoire|Cote d'Ivoire|Croatia|Cuba|Cyprus|
Czech Republic|Czechia|Democratic People's Republic of Korea|Democratic Republic of the Congo|
Denmark|Djibouti|Dominica|Dominican Republic|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|
Estonia|Eswatini|Swaziland|Ethiopia|Fiji|Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|
Greece|Grenada|Guatemala|Guinea|Guinea-Bissau|Guyana|Haiti|Honduras|Hungary|Iceland|India|
Indonesia|Iran|Islamic Republic of Iran|Iraq|Ireland|Israel|Italy|Jamaica|Japan|Jordan|
Kazakhstan|Kenya|Kiribati|Kuwait|Kyrgyzstan|Lao People's Democratic Republic|Latvia|Lebanon|
Lesotho|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Maldives|
Mali|Malta|Marshall Islands|Mauritania|Mauritius|Mexico|Micronesia|Monaco|Mongolia|Montenegro|
Morocco|Mozambique|Myanmar|Namibia|Nauru|Nepal|Netherlands|New Zealand|Nicaragua|Niger|Nigeria|
North Macedonia|Norway|Oman|Pakistan|Palau|Panama|Papua New Guinea|Paraguay|Peru|Philippines|
Poland|Portugal|Qatar|Republic of Korea|Republic of Moldova|Romania|Russian Federation|Rwanda|
Saint Kitts and Nevis|Saint Lucia|Saint Vincent and the Grenadines|Samoa|San Marino|
Sao Tome and Principe|Saudi Arabia|Senegal|Serbia|Seychelles|Sierra Leone|Singapore|Slovakia|
Slovenia|Solomon Islands|Somalia|South Africa|South Sudan|Spain|Sri Lanka|Sudan|Suriname|
Sweden|Switzerland|Syrian Arab Republic|Syria|Tajikistan|Thailand|Timor-Leste|Togo|Tonga|
Trinidad and Tobago|Tunisia|Turkey|Türkiye|Turkmenistan|Tuvalu|Uganda|Ukraine|
United Arab Emirates|United Kingdom of Great Britain and Northern Ireland|United Kingdom|
United Republic of Tanzania|United States of America|United States|Uruguay|Uzbekistan|Vanuatu|
Venezuela|Viet Nam|Yemen|Zambia|Zimbabwe|DRC|CAR
"""
#: Long or other forms and the name reported for them.
_REPORTED = {
    "Cape Verde": "Cabo Verde",
    "Cote d'Ivoire": "Côte d'Ivoire",
    "Czechia": "Czech Republic",
    "Swaziland": "Eswatini",
    "Islamic Republic of Iran": "Iran",
    "Syria": "Syrian Arab Republic",
    "Türkiye": "Turkey",
    "United Kingdom of Great Britain and Northern Ireland": "United Kingdom",
    "United States of America": "United States",
    "DRC": "Democratic Republic of the Congo",
    "CAR": "Central African Republic",
}

_ALTERNATION = "|".join(
    sorted(
        (re.escape(name).replace("'", "['’]").replace(r"\ ", r"\s+") for name in
         " ".join(_NAMES.split("\n")).replace("| ", "|").strip().split("|")),
        key=len,
        reverse=True,
    )
)  # fmt: skip

# A State named as the one asked: not after "of", "in", "from", ... ("the Government of Mali",
# "the situation in Haiti"), not a place ("States neighbouring Somalia"), not before "'s" or a
# noun it qualifies ("Guinea-Bissau's leaders", "the Central African Republic authorities"),
# not inside a longer name ("Guinea" in "Papua New Guinea" or "Equatorial Guinea", "Congo" in
# "the Democratic Republic of the Congo").
COUNTRY = re.compile(
    r"(?<![\w-])(?<!\bof\s)(?<!\bof\sthe\s)(?<!\bin\s)(?<!\bin\sthe\s)(?<!\bfrom\s)(?<!\bfrom\sthe\s)"
    r"(?<!\bfor\s)(?<!\bfor\sthe\s)(?<!\bwith\s)(?<!\bwith\sthe\s)(?<!\bto\s)(?<!\bto\sthe\s)"
    r"(?<!\bNew\s)(?<!\bEquatorial\s)(?<!\bSouth\s)(?<!\bNorthern\s)(?<!\bon\s)(?<!\bat\s)(?<!\bby\s)"
    r"(?<!\binto\s)(?<!\bwithin\s)(?<!\bacross\s)(?<!\bagainst\s)(?<!\btowards\s)"
    r"(?<!\bneighbouring\s)(?<!\bneighboring\s)(?<!\bbordering\s)(?<!\bthan\s)(?<!\bover\s)"
    rf"(?:the\s+)?(?P<name>{_ALTERNATION})"
    r"(?![\w-])(?!\s*['’]s?\b)(?=\s*(?:$|[,;:()]|(?:and|or|to|as|in|shall|should|must|will|"
    r"is|are|has|have|also|further|immediately|fully)\b))",
)


# The end of a list of places that began with "of", "in", ...: "the Governments of Chad and
# the Central African Republic" names a Government, not a State asked.
_PLACE_LIST = re.compile(
    r"\b(?:of|in|from|between|with|for)\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:of\s+the\s+)?[A-Z][\w'’-]*)*"
    r"(?:\s*,\s*(?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:of\s+the\s+)?[A-Z][\w'’-]*)*)*\s*,?\s*(?:and|or)\s+$"
)


def in_place_list(text: str, start: int) -> bool:
    """Does the State named at ``start`` end a list of places ("of Chad and the ...")?"""
    return _PLACE_LIST.search(text, max(0, start - 160), start) is not None


def reported_name(name: str) -> str:
    """The name reported for a State as written ("Cote d'Ivoire" -> "Côte d'Ivoire")."""
    name = " ".join(name.replace("’", "'").split())
    return _REPORTED.get(name, name)

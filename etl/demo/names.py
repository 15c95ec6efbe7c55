"""Fixed name pools for the demo: people per team, company name parts per country.

Everything here is invented. Names are fixed (not drawn from the seed) so that the
demo logins in `DEMO_USERS` always show the same people.
"""
from __future__ import annotations

HEAD_OF_SALES = "Katarzyna Nowak"

# Per team: the manager first, then the sellers in the order they are numbered.
TEAM_PEOPLE = {
    "Poland": "Tomasz Wiśniewski; Anna Kowalczyk; Piotr Zieliński; Magdalena Wójcik; Łukasz Kamiński;"
              " Agnieszka Lewandowska; Michał Dąbrowski; Joanna Szymańska; Paweł Woźniak;"
              " Ewa Kozłowska; Krzysztof Jankowski; Marta Mazur; Grzegorz Krawczyk",
    "North America": "Jennifer Brooks; Michael Carter; Emily Nguyen; David Ramirez; Sarah Mitchell;"
                     " James O'Connor; Olivia Bennett; Daniel Kim; Rachel Foster; Kevin Patel;"
                     " Laura Hughes; Brian Coleman; Megan Price",
    "Western Europe": "Stefan Müller; Claire Dubois; Jonas Becker; Sophie Laurent; Thomas Wright;"
                      " Lotte de Vries; Hannah Schäfer; Julien Moreau; Emma Clarke; Lukas Fischer;"
                      " Amélie Girard; Oliver Bennett; Sanne Jansen",
    "CIS": "Dmitry Sokolov; Elena Petrova; Sergey Ivanov; Olga Smirnova; Alexei Kuznetsov;"
           " Natalia Popova; Ivan Volkov; Tatiana Morozova; Pavel Lebedev; Irina Novikova;"
           " Andrei Fedorov; Svetlana Orlova; Mikhail Belov",
    "Middle East": "Reza Ahmadi; Maryam Hosseini; Ali Karimi; Sara Rahimi; Mohammad Moradi;"
                   " Zahra Jafari; Hossein Rezaei; Fatemeh Ghasemi; Amir Sadeghi; Leila Najafi;"
                   " Behnam Tehrani; Neda Kazemi; Saeed Farahani",
    "APAC": "Wang Jun; Li Na; Zhang Wei; Liu Yang; Chen Jing; Yang Fan; Zhao Lei; Huang Mei;"
            " Zhou Qiang; Wu Xiaoling; Xu Ming; Sun Li; Ma Tao",
}

# Company name stems per country (ISO alpha-3) and the legal-form suffixes used there.
COMPANY_STEMS = {
    "POL": "Wislan; Polmex; Mazovia; Baltex; Krakmet; Orlik; Tatrix; Sokolnik; Wartex; Odrabud;"
           " Bursztyn; Piastek; Łódzkie Zakłady; Gdańska Grupa",
    "RUS": "Severtek; Volgaprom; Uralinvest; Baikalsoft; Sibtrans; Nevalink; Ladoga; Altaika;"
           " Vostokstroy; Zarya; Северный Путь; Волжские Системы",
    "IRN": "Parsian; Aryana; Kavehsazan; Simorgh; Persepolis Trade; Zagros; Alborz; Kiyan;"
           " Tous; Karun; پارس نوین; سپهر",
    "CHN": "Huaxin; Jinlong; Tianhe; Hengda Tech; Changjiang; Xinghai; Dongfang; Ruifeng;"
           " Zhongke; Baiyun; 华信; 天河",
    "USA": "Summit; Redwood; Blue Ridge; Lakeshore; Pioneer; Keystone; Silverline; Northstar;"
           " Granite; Harbor; Prairie; Evergreen",
    "DEU": "Rheinwerk; Nordlicht; Spreetal; Alpenkraft; Hansa; Isartec; Weserland; Schwarzwald",
    "FRA": "Lumière; Seine Conseil; Atlantique; Provence; Mistral; Bastide; Loire; Orée",
    "GBR": "Thames; Pennine; Albion; Mercia; Cotswold; Highgate; Wessex; Kestrel",
    "NLD": "Zuiderzee; Amstel; Polderland; Tulpen; Delftware; Noordkaap; Kinderdijk; Veluwe",
}
LEGAL_FORMS = {
    "POL": ("Sp. z o.o.", "S.A."), "RUS": ("OOO", "AO"), "IRN": ("Co.", "PJS"),
    "CHN": ("Co., Ltd.", "Group"), "USA": ("Inc.", "LLC", "Corp."), "DEU": ("GmbH", "AG"),
    "FRA": ("SAS", "SA"), "GBR": ("Ltd", "plc"), "NLD": ("B.V.", "N.V."),
}
INDUSTRY_WORDS = {
    "Manufacturing": ("Industries", "Manufacturing"), "Retail": ("Retail", "Stores"),
    "Financial Services": ("Finance", "Capital"), "Healthcare": ("Health", "Medical"),
    "Technology": ("Tech", "Systems"), "Logistics": ("Logistics", "Transport"),
    "Energy": ("Energy", "Power"), "Education": ("Education", "Academy"),
    "Public Sector": ("Public Services", "Municipal"), "Professional Services": ("Consulting", "Partners"),
}


def split(pool: str) -> list[str]:
    """'a; b; c' → ['a', 'b', 'c']."""
    return [p.strip() for p in pool.split(";")]


def email_for(name: str) -> str:
    """ASCII login e-mail for a person's name, e.g. 'Łukasz Kamiński' → lukasz.kaminski@…"""
    folded = name.lower().translate(_ASCII).replace("'", "")
    return ".".join(folded.split()) + "@demo-sales.example"


_ASCII = str.maketrans("ąćęłńóśźżäöüßéèêàâçôû", "acelnoszzaouseeeaacou")
